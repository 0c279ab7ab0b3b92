// The EM sample of the playground's site (`unet serve --out DIR --sample-data DATA`): a few
// crops of a labelled data folder in any `--data DIR` layout, taken at site-build time (so no
// data set is committed), written as <stem>.png + <stem>_mask.png, which the network page
// pairs by the `--data` rule, segments and trains on.
import { basename, resolve } from 'node:path';
import { discoverPairs } from '../data/dataset.ts';
import { DataError } from '../data/errors.ts';
import { encodePng, readMaskValues, readRaw, type RawPixels } from '../data/image-io.ts';
import { SAMPLES_FILE, type SampleManifest } from '../data/sample-manifest.ts';

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

/** The site's sample files (PNG crops and samples.json) from the first pairs of a data folder. */
export async function emSampleFiles(dir: string): Promise<Record<string, string | Uint8Array>> {
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
  const manifest: SampleManifest = {
    em: { source, files: Object.keys(files) },
    note: `${pairs.length} crops of ${size} x ${size} from ${source} (${pairs.map((p) => p.name).join(', ')}), taken when the site was built`,
  };
  return { ...files, [SAMPLES_FILE]: JSON.stringify(manifest, null, 2) + '\n' };
}
