// The spec text of a plan: one `.unet` file whose every planned line carries its reason as a
// comment, and whose first line marks it as written by `unet plan` (src/cli/plan.ts replaces
// only such files). The text is compiled before it is returned: a plan never writes a spec
// that `unet train` would refuse.
import { compileSource } from '../../language/compile.ts';
import type { Model } from '../../language/ir/types.ts';
import { formatDuration } from '../../language/spec/duration.ts';
import type { Candidate, Choice, Plan } from './plan.ts';

/** The first line of every spec `unet plan` writes. */
export const PLAN_MARKER = '# Written by `unet plan`; edit freely (a later `unet plan --out` over this file replaces it).';

/** `keyword value  # why`, the comment aligned a little to the right. */
function line(indent: string, statement: string, why?: string): string {
  const text = `${indent}${statement}`;
  return why ? `${text.padEnd(indent.length + 28)}  # ${why}` : text;
}

const quote = (s: string) => JSON.stringify(s);

/** The network part of a spec: shared by the written plan and the probe's candidates. */
function networkLines(
  name: string,
  channels: number,
  classes: number,
  labels: string[],
  c: { depth: Choice<number>; filters: Choice<number>; padding: Choice<string>; dropout?: Choice<number> },
): string[] {
  return [
    `unet ${name} {`,
    line('  ', `input   ${channels}`, 'any legal size: training crops and overlap-tile prediction choose it'),
    line('  ', `output  ${classes} classes softmax`),
    line('  ', `labels  ${labels.map(quote).join(', ')}`),
    line('  ', `depth   ${c.depth.value}`, c.depth.why),
    line('  ', `filters ${c.filters.value} doubling`, c.filters.why),
    line('  ', `padding ${c.padding.value}`, c.padding.why),
    line('  ', 'bias    off', 'batch norm follows every convolution, a bias would be cancelled'),
    line('  ', 'norm    batch', 'lets Adam train a small net quickly (specs/isbi2012.unet)'),
    '  down    maxpool 2x2',
    '  up      transposed 2x2',
    '  skip    concat',
    ...(c.dropout && c.dropout.value > 0 ? [line('  ', `bottom { dropout ${c.dropout.value} }`, c.dropout.why)] : []),
    '  init    he_normal',
  ];
}

/** The whole spec text of a plan, with a header of what the data looked like. */
export function planText(plan: Plan, header: readonly string[]): string {
  const t = (choice: Choice<unknown>, statement: string) => line('    ', statement, choice.why);
  const train = [
    '  train {',
    ...(plan.maskValues.value ? [t(plan.maskValues, `mask_values ${plan.maskValues.value.join(', ')}`)] : []),
    t(plan.loss, `loss        ${plan.loss.value}`),
    ...(plan.weightMap.value
      ? [t(plan.weightMap, `weight_map  w0 ${plan.weightMap.value.w0} sigma ${plan.weightMap.value.sigma} cell_class ${plan.weightMap.value.cellClass}`)]
      : []),
    ...(plan.crop.value !== null ? [t(plan.crop, `crop        ${plan.crop.value}x${plan.crop.value}`)] : [line('    ', '# no crop', plan.crop.why)]),
    t(plan.normalize, `normalize   ${plan.normalize.value}`),
    t(plan.optimizer, `optimizer   ${plan.optimizer.value}`),
    t(plan.schedule, `schedule    ${plan.schedule.value}`),
    t(plan.batch, `batch       ${plan.batch.value}`),
    t(plan.time, `time        ${formatDuration(plan.time.value)}`),
    t(plan.epochs, `epochs      ${plan.epochs.value}`),
    line('    ', `val_split   ${plan.valSplit}`),
    line('    ', `seed        ${plan.seed}`),
    '',
    `    # ${plan.augment.why}`,
    '    augment {',
    ...plan.augment.value.map((s) => `      ${s}`),
    '    }',
    '  }',
    '}',
  ];
  const network = networkLines(plan.name, plan.channels, plan.classes, plan.labels, plan);
  return [PLAN_MARKER, ...header.map((h) => (h ? `# ${h}` : '#')), ...network, '', ...train, ''].join('\n');
}

/** Compiles spec text, throwing with the compiler's messages if it has errors (a planner bug, never the user's). */
export function compilePlanText(text: string, file = 'plan.unet'): Model {
  const { model, diagnostics } = compileSource(text, file);
  if (!model) throw new Error(`unet plan wrote a spec that does not compile (a bug): ${diagnostics.map((d) => d.message).join('; ')}\n${text}`);
  return model;
}

/** A bare network for a candidate: what the probe builds and times, and what gives its legal sizes and FLOPs. */
export function candidateModel(c: Omit<Candidate, 'size' | 'batch' | 'flops' | 'crop'>, channels: number, classes: number): Model {
  const why = { why: '' };
  const labels = Array.from({ length: classes }, (_, k) => `class ${k}`);
  const text = [...networkLines('Candidate', channels, classes, labels, { depth: { value: c.depth, ...why }, filters: { value: c.filters, ...why }, padding: { value: c.padding, ...why } }), '}', ''].join('\n');
  return compilePlanText(text, 'candidate.unet');
}
