// The planner's training recipe for touching cells is specs/isbi2012.unet's, the hand-tuned
// winner (docs/isbi2012.md), drop-out included. When that spec changes, this fails until ISBI_RECIPE in
// src/app/plan/rules.ts says the same: the one place to bring the rules in line.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/app/plan/fingerprint.ts';
import { planFromFingerprint } from '../../../src/app/plan/make-plan.ts';
import type { Candidate } from '../../../src/app/plan/plan.ts';
import { compilePlanText } from '../../../src/app/plan/write.ts';
import { compileFile } from '../../../src/node/compile-file.ts';
import { cellSheets } from './generate.ts';
import { REPO } from '../../helpers/cli.ts';

describe('ISBI_RECIPE', () => {
  it('matches the train section and the drop-out of specs/isbi2012.unet', async () => {
    const isbiModel = compileFile(`${REPO}/specs/isbi2012.unet`).model!;
    const isbi = isbiModel.train;
    // Membranes of 5 px, as ISBI's (median): thicker than the hairlines that get the weight map.
    const fp = fingerprint(cellSheets({ count: 3, size: 96, cell: 14, membrane: 5 }), [0, 255]);
    const timer = async () => ({ time: async (c: Candidate) => c.flops * 1e-10, label: 'fake', workers: 1 });
    const { text } = await planFromFingerprint(fp, { data: 'x', budget: 1200, probeSeconds: 1, timer });
    const plannedModel = compilePlanText(text);
    const planned = plannedModel.train;
    const recipe = (t: typeof isbi) => ({ loss: t.loss, weightMap: t.weightMap, maskValues: t.maskValues, optimizer: t.optimizer, schedule: t.schedule, normalize: t.normalize, augment: t.augment });
    expect(recipe(planned)).toEqual(recipe(isbi));
    const dropouts = (m: typeof isbiModel) => m.nodes.flatMap((n) => (n.op === 'dropout' ? [[n.id, n.rate]] : []));
    expect(dropouts(isbiModel).length).toBeGreaterThan(0);
    expect(dropouts(plannedModel)).toEqual(dropouts(isbiModel));
  });
});
