// The playground site's samples: the EM sample, centred crops of a labelled data folder (any
// --data layout) as <stem>.png + <stem>_mask.png that pair by the --data rule, with the class
// values kept; and the sample model, a trained run's files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { EM_SAMPLE_COUNT, EM_SAMPLE_SIZE, sampleFiles } from '../../src/app/sample-data.ts';
import { listingOf, planPairs } from '../../src/data/pairing.ts';
import type { SampleManifest } from '../../src/data/sample-manifest.ts';
import { tempDir, writeGray, writeStack } from '../data/helpers.ts';
import { runUnet } from '../helpers/cli.ts';

const SIDE = EM_SAMPLE_SIZE + 2;
/** Pixel (y, x) of page p: a value that says where it came from. */
const at = (p: number, y: number, x: number) => (p * 7 + y * 3 + x) % 256;

describe('sampleFiles: the EM sample', () => {
  it('takes the first pairs of an ISBI-style stack folder, centre crops with their mask values', async () => {
    const dir = tempDir();
    const pages = EM_SAMPLE_COUNT + 1;
    const grid = (f: (p: number, i: number) => number) => Array.from({ length: pages }, (_, p) => Array.from({ length: SIDE * SIDE }, (_, i) => f(p, i)));
    await writeStack(join(dir, 'train-volume.tif'), SIDE, SIDE, grid((p, i) => at(p, Math.floor(i / SIDE), i % SIDE)));
    await writeStack(join(dir, 'train-labels.tif'), SIDE, SIDE, grid((_, i) => (i % 2 === 0 ? 255 : 0)));
    const files = await sampleFiles({ data: dir });
    const manifest = JSON.parse(files['samples.json'] as string) as SampleManifest;
    expect(manifest.em!.files).toEqual(['em-0.png', 'em-0_mask.png', 'em-1.png', 'em-1_mask.png', 'em-2.png', 'em-2_mask.png', 'em-3.png', 'em-3_mask.png']);
    expect(manifest.note).toMatch(/^4 crops of 128 x 128 from .* \(0, 1, 2, 3\)/);
    // The page pairs them by the --data rule.
    expect(planPairs('', listingOf(manifest.em!.files).listing)).toMatchObject({ kind: 'pairs', pairs: [{ name: 'em-0', mask: 'em-0_mask.png' }, {}, {}, {}] });
    const raw = async (name: string) => sharp(files[name] as Uint8Array).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(files['em-2.png'] as Uint8Array).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([EM_SAMPLE_SIZE, EM_SAMPLE_SIZE, 1]);
    const image = await raw('em-2.png');
    expect([image.data[0], image.data[5 * EM_SAMPLE_SIZE + 9]]).toEqual([at(2, 1, 1), at(2, 6, 10)]);
    const mask = await raw('em-2_mask.png');
    expect(new Set(mask.data)).toEqual(new Set([0, 255]));
  });

  it('refuses images smaller than a crop, naming the file', async () => {
    const dir = tempDir();
    await writeGray(join(dir, 'a.png'), 4, 1, [0, 1, 2, 3]);
    await writeGray(join(dir, 'a_mask.png'), 4, 1, [0, 0, 1, 1]);
    await expect(sampleFiles({ data: dir })).rejects.toThrow(`${join(dir, 'a.png')}: is 4x1; the EM sample takes 128x128 crops`);
  });
});

describe('sampleFiles: the sample model (--sample-run)', () => {
  const SPEC = `unet Tiny {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  train { optimizer adam lr 0.01
    batch 8
    epochs 1 }
}
`;

  it("carries a run's model.json, the weights it names, ir.json and config.json, each as sample-run-<name>, beside the EM sample", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.unet'), SPEC);
    const run = join(dir, 'run');
    const trained = await runUnet(['train', join(dir, 'tiny.unet'), '--data', 'builtin:ellipses:16', '--engine', 'cpu', '--out', run]);
    expect(trained.code, trained.stderr).toBe(0);
    const files = await sampleFiles({ run });
    const manifest = JSON.parse(files['samples.json'] as string) as SampleManifest;
    const weights = (JSON.parse(readFileSync(join(run, 'model', 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0]!.paths;
    expect(manifest.run).toEqual({ name: 'Tiny', files: ['model.json', ...weights, 'ir.json', 'config.json'] });
    expect(manifest.em).toBeNull();
    for (const name of manifest.run!.files) expect(Object.keys(files)).toContain(`sample-run-${name}`);
    expect(Buffer.from(files[`sample-run-${weights[0]}`] as Uint8Array).equals(readFileSync(join(run, 'model', weights[0]!)))).toBe(true);
    // A folder that is not a run, and a run whose model.json is cut short, are refused by name.
    await expect(sampleFiles({ run: dir })).rejects.toThrow(`${dir}: not a training run`);
    const modelJson = join(run, 'model', 'model.json');
    writeFileSync(modelJson, readFileSync(modelJson, 'utf8').slice(0, 40));
    await expect(sampleFiles({ run })).rejects.toThrow(modelJson);
  }, 60_000);
});
