/**
 * What preparing one augmented training crop costs on the thread that trains (issue 15: on
 * two cores both data-parallel replicas wait for it). A spec's own augmentation, on a 512 x 512
 * slice of noise (the cost does not depend on the content), with and without its elastic
 * deformation, two ways:
 *
 *   augmentCrop             the transform evaluated on the crop's window only (what training does)
 *   augment + randomCrop    the whole slice transformed, then cropped: the reference, the same
 *                           draws and pixels (test/data/augment.test.ts)
 *
 *   npx tsx bench/augment.ts                      specs/isbi2012.unet, 50 crops a round
 *   npx tsx bench/augment.ts --spec specs/paper.unet --crops 100
 *
 * Prints milliseconds a crop (median of 5 rounds) and the reference's time over augmentCrop's.
 */
import { parseArgs } from 'node:util';
import { augment, augmentCrop } from '../src/data/augment.ts';
import { randomCrop } from '../src/data/crop.ts';
import { Random } from '../src/data/random.ts';
import type { Sample } from '../src/data/types.ts';
import type { AugmentConfig } from '../src/language/ir/types.ts';
import { trainingInputSize } from '../src/data/input-size.ts';
import { withInputSize } from '../src/language/shapes/infer.ts';
import { compileFile } from '../src/node/compile-file.ts';

const { values } = parseArgs({ options: { spec: { type: 'string', default: 'specs/isbi2012.unet' }, crops: { type: 'string', default: '50' } } });
const crops = Number(values.crops);
if (!Number.isInteger(crops) || crops < 1) throw new Error(`--crops must be a positive whole number, got ${values.crops}`);

const { model: spec, diagnostics } = compileFile(values.spec!);
if (!spec) throw new Error(diagnostics.map((d) => d.message).join('\n'));
const SIZE = 512;
const rng = new Random(1);
const noise = (channels: number) => Float32Array.from({ length: SIZE * SIZE * channels }, () => rng.uniform());
const slice: Sample = {
  name: 'noise',
  image: { height: SIZE, width: SIZE, channels: spec.input.channels, data: noise(spec.input.channels) },
  mask: { height: SIZE, width: SIZE, data: Uint8Array.from({ length: SIZE * SIZE }, () => rng.int(2)) },
};
// The network at its training size (the spec's crop, or the slice), as `unet train` builds it.
const model = withInputSize(spec, trainingInputSize(spec.train, [slice]));
const inSize = model.input.size as [number, number];
const outSize = model.output.size as [number, number];

/** Median milliseconds a crop over 5 rounds of `crops` crops (after one round to warm up). */
function msPerCrop(prepare: (r: Random) => Sample): number {
  const rounds: number[] = [];
  for (let round = -1; round < 5; round++) {
    const r = new Random(100 + round);
    const started = performance.now();
    for (let i = 0; i < crops; i++) prepare(r);
    if (round >= 0) rounds.push((performance.now() - started) / crops);
  }
  return rounds.sort((a, b) => a - b)[2];
}

const rows: string[][] = [];
const configs: [string, AugmentConfig][] = [[`${values.spec} as written`, model.train.augment]];
if (model.train.augment.elastic) configs.push(['the same without elastic deformation', { ...model.train.augment, elastic: null }]);
for (const [name, config] of configs) {
  const windowOnly = msPerCrop((r) => augmentCrop(slice, config, inSize, outSize, r));
  const whole = msPerCrop((r) => randomCrop(augment(slice, config, r), inSize, outSize, r));
  rows.push([name, windowOnly.toFixed(2), whole.toFixed(2), (whole / windowOnly).toFixed(1)]);
}
console.log(`${crops} crops of ${inSize.join(' x ')} (mask ${outSize.join(' x ')}) from a ${SIZE} x ${SIZE} slice, median of 5 rounds, node ${process.version}\n`);
console.log('| augmentation | augmentCrop, ms a crop | augment + randomCrop, ms a crop | ratio |');
console.log('| --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
