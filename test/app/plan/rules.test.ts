// The planner's rules on generated data, with a fake probe (seconds proportional to FLOPs):
// different data lead to different choices, for the reasons the spec states.
import { describe, expect, it } from 'vitest';
import { fingerprint, type Fingerprint } from '../../../src/app/plan/fingerprint.ts';
import { planFromFingerprint } from '../../../src/app/plan/make-plan.ts';
import type { Candidate } from '../../../src/app/plan/plan.ts';
import { timeCandidates } from '../../../src/app/plan/probe.ts';
import { RULES, batchFor, chooseCandidate, dataChoices } from '../../../src/app/plan/rules.ts';
import { compilePlanText } from '../../../src/app/plan/write.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import { cellSheets, discs } from './generate.ts';

/** A fake machine: `gflops` GFLOP/s of forward FLOPs (a training step costs 3 forward passes). */
const fakeTimer = (gflops: number) => async () => ({ time: async (c: Candidate) => (3 * c.flops) / (gflops * 1e9), label: 'fake', workers: 1 });

const plan = (fp: Fingerprint, budget = 1200, gflops = 20) => planFromFingerprint(fp, { data: 'generated', budget, probeSeconds: 60, timer: fakeTimer(gflops) });

const small = fingerprint(discs({ count: 4, size: 96, rMin: 2, rMax: 3 }), null);
const large = fingerprint(discs({ count: 4, size: 256, rMin: 40, rMax: 48 }), null);
const sheets = fingerprint(cellSheets({ count: 3, size: 128, cell: 14, membrane: 3 }), [0, 255]);

describe('unet plan rules', () => {
  it('depth follows object size: shallow for small objects, deep for large ones', async () => {
    const a = (await plan(small)).plan.depth;
    const b = (await plan(large)).plan.depth;
    expect(a.value).toBe(2);
    expect(b.value).toBe(4);
    expect(b.why).toMatch(/receptive field 204 px >= 2 x the large objects' diameter/);
    const ellipses = (await plan(fingerprint(makeEllipses({ count: 24, size: 64, seed: 1 }), null))).plan;
    expect(ellipses.depth.value).toBe(2);
    expect(ellipses.loss.value).toBe('ce_dice');
  });

  it('touching cells across a hairline membrane: membrane as class 1, ce_dice with the weight map in its CE term, same padding', async () => {
    const p = (await plan(sheets)).plan;
    expect(p.maskValues.value).toEqual([255, 0]);
    expect(p.loss).toMatchObject({ value: 'ce_dice', why: expect.stringMatching(/100 % of the objects have a neighbour within 10 px across a separator 3 px thick: .*border weight map/) });
    expect(p.weightMap.value).toEqual({ w0: 10, sigma: 5, cellClass: 0 });
    expect(p.padding.value).toBe('same');
    // All 128 x 128, a legal size no larger than a window: whole images, no crop.
    expect(p.crop).toMatchObject({ value: null, why: expect.stringMatching(/^whole 128 x 128 images/) });
  });

  it('touching cells across a thicker membrane (ISBI: about 5 px): ce_dice without the weight map', async () => {
    const thick = fingerprint(cellSheets({ count: 3, size: 128, cell: 14, membrane: 5 }), [0, 255]);
    expect(thick.separatorThickness.median).toBeGreaterThan(RULES.weightMapGapPx);
    const p = (await plan(thick)).plan;
    expect(p.maskValues.value).toEqual([255, 0]);
    expect(p.loss).toMatchObject({ value: 'ce_dice', why: expect.stringMatching(/need no border weights/) });
    expect(p.weightMap.value).toBeNull();
  });

  it('objects apart: ce_dice, same padding, no weight map; objects stored as the lower value become class 1', async () => {
    const p = (await plan(large)).plan;
    expect(p).toMatchObject({ loss: { value: 'ce_dice' }, weightMap: { value: null }, padding: { value: 'same' }, maskValues: { value: null } });
    const inverted = discs({ count: 4, size: 96, rMin: 6, rMax: 9 }).map((s) => ({ ...s, mask: { ...s.mask, data: s.mask.data.map((k) => 1 - k) } }));
    const swapped = (await plan(fingerprint(inverted, [0, 255]))).plan.maskValues;
    expect(swapped).toEqual({ value: [255, 0], why: 'the objects (mask value 0) become class 1' });
  });

  it('the budget sizes the network: more filters with more time, the cheapest when nothing fits', async () => {
    const filters = async (budget: number) => (await plan(sheets, budget)).plan.filters;
    const long = await filters(24 * 3600);
    const short = await filters(5);
    expect(long.value).toBe(32);
    expect(short.value).toBe(8);
    expect(short.why).toMatch(/no candidate reaches 600 steps in the budget, so the cheapest/);
    const p = (await plan(sheets, 5)).plan;
    expect(p.time.value).toBe(5);
    expect(p.epochs.value).toBeGreaterThanOrEqual(1);
  });

  it("few images get the paper's regularisers (elastic deformation, drop-out) and gray-value changes, many only flips; varying brightness normalises per image", async () => {
    const few = (await plan(sheets)).plan;
    expect(few.augment.value).toEqual(['elastic grid 3 sigma 10', 'flip', 'rotate90', 'brightness 0.1', 'contrast 0.1']);
    expect(few.dropout.value).toBe(0.5);
    const many = (await plan({ ...sheets, images: 500 })).plan;
    expect(many.augment.value).toEqual(['flip', 'rotate90']);
    expect(many.dropout.value).toBe(0);
    expect(many.normalize.value).toBe('dataset');
    const varying = (await plan({ ...sheets, intensity: { ...sheets.intensity, imageMeanStd: sheets.intensity.std } })).plan;
    expect(varying.normalize.value).toBe('image');
  });

  it('refuses images too small for any U-Net depth, saying how large they must be', () => {
    const tiny = fingerprint(discs({ count: 2, size: 24, rMin: 2, rMax: 3 }), null);
    expect(() => dataChoices(tiny)).toThrow(/the images are 24 px on their short side: too small for a U-Net of depth 2 \(at least 32 px\)/);
  });

  it('the batch keeps about 4 crops of 256 px a step, a multiple of the workers', () => {
    expect(batchFor(256, 1)).toBe(4);
    expect(batchFor(252, 1)).toBe(4);
    expect(batchFor(64, 1)).toBe(RULES.maxBatch);
    expect(batchFor(348, 1)).toBe(2);
    expect(batchFor(252, 3)).toBe(6);
  });

  it('the written spec compiles to what the plan says, a reason beside every planned line', async () => {
    const { text, plan: p } = await plan(sheets);
    const ir = compilePlanText(text);
    expect(ir.train).toMatchObject({ loss: 'ce_dice', maskValues: [255, 0], time: 1200, batch: p.batch.value, weightMap: { w0: 10, sigma: 5, cellClass: 0 } });
    expect(ir.train.crop).toEqual(p.crop.value === null ? null : [p.crop.value, p.crop.value]);
    expect(ir.nodes.length).toBeGreaterThan(0);
    // Whole images (no crop) say so on a comment line of their own.
    if (p.crop.value === null) expect(text).toMatch(/^\s+# no crop\s+# whole 128 x 128 images/m);
    for (const keyword of ['depth', 'filters', 'padding', 'mask_values', 'loss', 'weight_map', ...(p.crop.value === null ? [] : ['crop']), 'normalize', 'batch', 'time', 'epochs']) {
      expect(text).toMatch(new RegExp(`^\\s+${keyword} .*# \\S`, 'm'));
    }
  });
});

describe('the probe', () => {
  const cands = (fp: Fingerprint) => planFromFingerprint(fp, { data: 'x', budget: 1200, probeSeconds: 0, timer: fakeTimer(20) });

  it('measures the cheapest window of each width, narrowest first, stops widening once a width is too slow, then the choice', async () => {
    const { timed } = await cands(large); // same padding at depth 4: windows of 128, 176, 240 and 256 px
    const all = timed.map((t) => t.candidate);
    const timedOrder: Candidate[] = [];
    const timer = async (c: Candidate) => {
      timedOrder.push(c);
      return c.filters === 8 ? 0.5 : c.filters === 16 ? 1 : 10;
    };
    const result = await timeCandidates(all, timer, { probeSeconds: 1000, allowedSeconds: 2 }, (list) => chooseCandidate(list, 2 * 600 / RULES.trainShare).chosen.candidate);
    const cheapest = (f: number) => all.filter((c) => c.filters === f).sort((a, b) => a.flops - b.flops)[0];
    expect(timedOrder.slice(0, 3)).toEqual([cheapest(8), cheapest(16), cheapest(32)]);
    // The choice (16 filters, the largest window) was only estimated from the cheapest 16-filter window: it is measured too.
    const chosen = chooseCandidate(result, 2 * 600 / RULES.trainShare).chosen;
    expect(chosen.measured).toBe(true);
    expect(chosen.candidate).toMatchObject({ filters: 16, size: 256 });
    expect(timedOrder).toHaveLength(4);
    expect(result.filter((t) => !t.measured).every((t) => t.seconds > 0)).toBe(true);
  });

  it('within a probe time of 0 s measures only the first candidate and scales the others by FLOPs', async () => {
    const { timed } = await cands(sheets);
    const measured = timed.filter((t) => t.measured);
    expect(measured).toHaveLength(1);
    const other = timed.find((t) => !t.measured)!;
    expect(other.seconds / measured[0].seconds).toBeCloseTo(other.candidate.flops / measured[0].candidate.flops, 6);
  });
});
