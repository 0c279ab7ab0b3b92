// The planner on the real ISBI 2012 stack (../shared/data/isbi2012, 20 slices): it finds the
// thin membranes between touching cells and plans the paper's recipe for them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../../src/app/plan/make-plan.ts';
import type { Candidate } from '../../../src/app/plan/plan.ts';
import { REPO } from '../../helpers/cli.ts';

const ISBI = join(REPO, '../shared/data/isbi2012');
const present = existsSync(ISBI);
if (!present) console.warn(`skipping the ISBI 2012 plan test: ${ISBI} is absent (the 20 labelled slices of the challenge)`);

describe.skipIf(!present)('unet plan on ISBI 2012', () => {
  it('finds the thin membrane between touching cells: mask_values 255, 0, ce_dice without the weight map (membranes of about 5 px), same padding', async () => {
    const timer = async () => ({ time: async (c: Candidate) => (3 * c.flops) / 20e9, label: 'fake', workers: 1 });
    const { plan, fingerprint: fp } = await makePlan({ data: ISBI, budget: 1200, probeSeconds: 1, timer });
    expect(fp.classValues).toEqual([0, 255]);
    expect(fp.objectClass).toBe(1);
    expect(fp.separatorThickness.median).toBeLessThanOrEqual(8);
    expect(plan.maskValues.value).toEqual([255, 0]);
    expect(plan.loss.value).toBe('ce_dice');
    expect(plan.weightMap.value).toBeNull();
    expect(plan).toMatchObject({ padding: { value: 'same' }, depth: { value: 4 } });
    // 16 training slices: the paper's regularisers, as specs/isbi2012.unet.
    expect(plan.augment.value).toContain('elastic grid 3 sigma 10');
    expect(plan.dropout.value).toBe(0.5);
  }, 60_000);
});
