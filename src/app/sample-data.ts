// The samples of the playground's site. The EM sample (`unet serve --out DIR --sample-data
// DATA`): a few crops of a labelled data folder in any `--data DIR` layout, taken at
// site-build time (so no data set is committed), written as <stem>.png + <stem>_mask.png,
// which the network page pairs by the `--data` rule, segments and trains on. The sample
// model (`--sample-run RUN`): a trained run's files, which the page opens as a run.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { discoverPairs } from '../data/dataset.ts';
import { DataError } from '../data/errors.ts';
import { encodePng, readMaskValues, readRaw, type RawPixels } from '../data/image-io.ts';
import { NO_EM_SAMPLE, SAMPLES_FILE, sampleRunSiteName, type SampleManifest } from '../data/sample-manifest.ts';
import { modelFiles } from '../backends/tfjs/io.ts';
import { readRunDir, runPaths } from './train/run-dir.ts';

// Four crops: with the specs' val_split 0.2 that is 3 to train on and 1 to validate (two would
// leave none for validation); 128 px: the largest the page trains without a crop (network/train.ts).
export const EM_SAMPLE_COUNT = 4;
export const EM_SAMPLE_SIZE = 128;

/** The centred size x size window of raw pixels, as 8-bit values (16-bit images scaled down). */
function centreCrop(raw: RawPixels, size: number, path: string, mask: boolean): Uint8Array {
  if (raw.height < size || raw.width < size) throw new DataError(path, `is ${raw.width}x${raw.height}; the EM sample takes ${size}x${size} crops`);
  const [top, left] = [(raw.height - size) >> 1, (raw.width - size) >> 1];
  const out = new Uint8Array(size * size * raw.channels);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size * raw.channels; x++) {
      const v = raw.data[(top + y) * raw.width * raw.channels + left * raw.channels + x]!;
      // Mask values are class values, kept as they are; an image's 16 bits scale to 8.
      if (mask && v > 255) throw new DataError(path, `mask value ${v} does not fit the sample's 8-bit PNG masks`);
      out[y * size * raw.channels + x] = mask || raw.bitDepth === 8 ? v : Math.round(v / 257);
    }
  }
  return out;
}

/** The EM sample's PNG crops and its part of samples.json, from the first pairs of a data folder. */
async function emSample(dir: string): Promise<{ files: Record<string, string | Uint8Array>; manifest: Pick<SampleManifest, 'em' | 'note'> }> {
  const pairs = (await discoverPairs(dir)).slice(0, EM_SAMPLE_COUNT);
  const files: Record<string, string | Uint8Array> = {};
  const size = EM_SAMPLE_SIZE;
  for (const pair of pairs) {
    const image = await readRaw(pair.imagePath, pair.page);
    const mask = await readMaskValues(pair.maskPath, pair.page);
    files[`em-${pair.name}.png`] = await encodePng(centreCrop(image, size, pair.imagePath, false), size, size, image.channels);
    files[`em-${pair.name}_mask.png`] = await encodePng(centreCrop(mask, size, pair.maskPath, true), size, size, 1);
  }
  const source = basename(resolve(dir));
  return {
    files,
    manifest: {
      em: { source, files: Object.keys(files) },
      note: `${pairs.length} crops of ${size} x ${size} from ${source} (${pairs.map((p) => p.name).join(', ')}), taken when the site was built`,
    },
  };
}

/**
 * A trained run as the site's sample model: its model/model.json and the weights it names,
 * ir.json and config.json (read as `unet predict` reads them, so a broken run is refused
 * here, by name), each as sample-run-<name>. The page opens them as a run dropped on it.
 */
async function sampleRun(run: string): Promise<{ files: Record<string, Uint8Array>; manifest: NonNullable<SampleManifest['run']> }> {
  const { ir } = await readRunDir(run);
  const paths = runPaths(run);
  // The one reader of saved models (src/backends/tfjs/io.ts) names a missing or broken model.json.
  const sources: [string, string][] = [
    ...(await modelFiles(paths.model)).map((name): [string, string] => [name, join(paths.model, name)]),
    ['ir.json', paths.ir],
    ['config.json', paths.config],
  ];
  const files: Record<string, Uint8Array> = {};
  for (const [name, path] of sources) {
    if (!existsSync(path)) throw new Error(`${run}: ${path} is missing (named by ${join(paths.model, 'model.json')})`);
    files[sampleRunSiteName(name)] = new Uint8Array(readFileSync(path));
  }
  return { files, manifest: { name: ir.name, files: sources.map(([name]) => name) } };
}

/**
 * The site's samples and their samples.json: the EM sample from a labelled data folder
 * (`--sample-data`), a trained run as the sample model (`--sample-run`), either or both.
 */
export async function sampleFiles(options: { data?: string; run?: string }): Promise<Record<string, string | Uint8Array>> {
  const em = options.data === undefined ? null : await emSample(options.data);
  const run = options.run === undefined ? null : await sampleRun(options.run);
  const manifest: SampleManifest = { ...(em?.manifest ?? NO_EM_SAMPLE), run: run?.manifest ?? null };
  return { ...em?.files, ...run?.files, [SAMPLES_FILE]: JSON.stringify(manifest, null, 2) + '\n' };
}
