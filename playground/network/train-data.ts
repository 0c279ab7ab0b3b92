// The page's training data: builtin ellipses (src/data/ellipses.ts, as `--data builtin:ellipses:N`),
// image/mask pairs chosen or dropped into the page, or the site's EM sample, each read by
// pairs.ts with the CLI's pairing and class-mapping rules. The EM sample can also be segmented.
import { makeEllipses } from '../../src/data/ellipses.ts';
import type { Image2D, Sample } from '../../src/data/types.ts';
import type { Model } from '../../src/language/ir/types.ts';
import { filesOfDrop, filesOfInput, readPairs, samplesFor, type DroppedPairs, type PathedFile } from './pairs.ts';
import { fetchEmFiles, loadManifest } from './samples.ts';
import type { SampleManifest } from '../../src/data/sample-manifest.ts';

/** Image size of builtin ellipses when the spec leaves it open, as src/data/source.ts has it. */
const ELLIPSES_SIZE = 64;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function say(id: string, text: string, error = false): void {
  $(id).textContent = text;
  $(id).classList.toggle('error', error);
}

export class TrainingData {
  private dropped: DroppedPairs | null = null;
  private em: DroppedPairs | null = null;
  private emShown = 0;

  /** Wires the data controls; `show` puts an image in the page's image panel (to segment it). */
  constructor(private readonly show: (image: Image2D, name: string) => void) {
    $<HTMLInputElement>('pair-files').onchange = (e) => void this.drop(filesOfInput((e.target as HTMLInputElement).files));
    $<HTMLInputElement>('pair-folder').onchange = (e) => void this.drop(filesOfInput((e.target as HTMLInputElement).files));
    const zone = $('pairs-drop');
    zone.ondragover = (e) => {
      e.preventDefault();
      zone.classList.add('over');
    };
    zone.ondragleave = () => zone.classList.remove('over');
    zone.ondrop = (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      void filesOfDrop(e.dataTransfer).then((files) => this.drop(files));
    };
    $<HTMLButtonElement>('em-sample').onclick = () => {
      const pair = this.em!.pairs[this.emShown++ % this.em!.pairs.length]!;
      this.show(pair.image, `EM sample ${pair.name}`);
    };
  }

  /** Reads the site's samples.json and, when the site has the EM sample, its pairs; gives the manifest. */
  async init(): Promise<SampleManifest> {
    const manifest = await loadManifest();
    say('em-note', manifest.note);
    if (!manifest.em) return manifest;
    this.em = await readPairs(await fetchEmFiles(manifest.em));
    $<HTMLOptionElement>('data-em').disabled = false;
    $<HTMLButtonElement>('em-sample').disabled = false;
    return manifest;
  }

  /** Pairs the files chosen or dropped; says what they are, or what is wrong, under the drop zone. */
  private async drop(files: PathedFile[]): Promise<void> {
    this.dropped = null;
    say('pairs-status', 'reading...');
    try {
      this.dropped = await readPairs(files);
      say('pairs-status', this.dropped.summary);
      $<HTMLSelectElement>('data').value = 'pairs';
    } catch (error) {
      say('pairs-status', error instanceof Error ? error.message : String(error), true);
    }
  }

  /** The samples to train `spec` on, and what they are (config.json's `data`). */
  samples(spec: Model): { samples: Sample[]; name: string } {
    const choice = $<HTMLSelectElement>('data').value;
    if (choice === 'pairs') {
      if (!this.dropped) throw new Error('no image/mask pairs yet: choose or drop them under "data" first');
      return { samples: samplesFor(this.dropped, spec), name: `the dropped pairs` };
    }
    if (choice === 'em') return { samples: samplesFor(this.em!, spec), name: 'the EM sample' };
    const count = Number($<HTMLInputElement>('count').value);
    const size = spec.input.size[0] ?? ELLIPSES_SIZE;
    return { samples: makeEllipses({ count, size, seed: spec.train.seed }), name: `builtin:ellipses:${count}` };
  }
}
