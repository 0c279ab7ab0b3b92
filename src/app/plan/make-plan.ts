// `unet plan` from data to spec text: fingerprint the data, choose what the data alone
// decides, time the candidate networks on this machine, choose within the time budget,
// write the spec with a reason per choice (and check it compiles).
import { loadDataForPlanning } from '../../data/source.ts';
import { formatDuration } from '../../language/spec/duration.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';
import type { Plan } from './plan.ts';
import { timeCandidates, type EngineTimer } from './probe.ts';
import { allowedStepSeconds, candidates, chooseCandidate, dataChoices, finishPlan, RULES, touchingShare, type Timed } from './rules.ts';
import { compilePlanText, planText } from './write.ts';

export interface PlanRequest {
  /** --data: a folder or builtin:ellipses[:N]. */
  data: string;
  /** Wall-time budget of the training, seconds. */
  budget: number;
  /** Wall time the probe may take, seconds. */
  probeSeconds: number;
  /** Times candidates; gets the loss training will use (weighted_ce steps also take weights). */
  timer: (setting: { channels: number; classes: number; loss: Plan['loss']['value'] }) => Promise<EngineTimer>;
  /** Where the spec will be written (--out), for the train command in its header. */
  specPath?: string;
  onProgress?: (line: string) => void;
}

export interface PlanResult {
  plan: Plan;
  fingerprint: Fingerprint;
  timed: Timed[];
  text: string;
}

/** A spec name from the data's name: `../data/isbi-2012` -> Isbi2012, `builtin:ellipses` -> Ellipses. */
export function planName(data: string): string {
  const base = data.replace(/^builtin:/, '').replace(/:\d+$/, '').split(/[\\/]/).filter(Boolean).pop() ?? '';
  const words = base.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1));
  const name = words.join('');
  return /^[A-Za-z]/.test(name) ? name : `Plan${name}`;
}

const round = (x: number, digits = 0) => x.toFixed(digits);

/** What the data looked like, for the progress lines and the spec's header. */
export function describeFingerprint(fp: Fingerprint): string[] {
  const size = (r: { min: number; max: number }) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`);
  const d = fp.objects.diameter;
  const classLabel = (k: number) => (fp.classValues ? `value ${fp.classValues[k]}` : `class ${k}`);
  return [
    `data: ${fp.images} images of ${size(fp.height)} x ${size(fp.width)}, ${fp.channels} channel(s); intensity mean ${round(fp.intensity.mean, 3)}, std ${round(fp.intensity.std, 3)}, 1st-99th percentile ${round(fp.intensity.p01, 3)}-${round(fp.intensity.p99, 3)}`,
    `classes: ${fp.classFractions.map((f, k) => `${classLabel(k)} ${round(100 * f, 1)} %`).join(', ')}; objects are ${classLabel(fp.objectClass)}`,
    `objects: ${round(fp.objects.perImage, 1)} per image, diameter ${round(d.p10)} / ${round(d.median)} / ${round(d.p90)} px (10th / 50th / 90th percentile)`,
    `between objects: ${round(fp.separatorThickness.median, 1)} px thick (median); ${round(100 * touchingShare(fp))} % of objects have a neighbour within ${RULES.touchGapPx} px`,
  ];
}

/** One probe line: the candidate and its step time. */
export function describeTimed(t: Timed): string {
  const c = t.candidate;
  return `depth ${c.depth} ${c.padding}, ${c.filters} filters, ${c.size} x ${c.size} x batch ${c.batch}: ${t.seconds.toFixed(3)} s a step${t.measured ? '' : ' (scaled by FLOPs)'}`;
}

/** Loads --data, fingerprints it and plans (planFromFingerprint). */
export async function makePlan(request: PlanRequest): Promise<PlanResult> {
  const { samples, values } = await loadDataForPlanning(request.data);
  return planFromFingerprint(fingerprint(samples, values), request);
}

/** The plan for a fingerprint: data choices, the probe, the choice within the budget, the spec text (compiled). */
export async function planFromFingerprint(fp: Fingerprint, request: PlanRequest): Promise<PlanResult> {
  const progress = request.onProgress ?? (() => {});
  for (const line of describeFingerprint(fp)) progress(`fingerprint: ${line}`);
  const data = dataChoices(fp);
  const timer = await request.timer({ channels: fp.channels, classes: fp.classes, loss: data.loss.value });
  progress(`probe: timing training steps on ${timer.label} for up to ${formatDuration(request.probeSeconds)}${timer.load ? ` (${timer.load})` : ''}`);
  const limits = { probeSeconds: request.probeSeconds, allowedSeconds: allowedStepSeconds(request.budget) };
  const timed = await timeCandidates(candidates(fp, data, timer.workers), timer.time, limits, (list) => chooseCandidate(list, request.budget).chosen.candidate, (t) => progress(`probe: ${describeTimed(t)}`));
  const plan = finishPlan(fp, data, timed, request.budget, planName(request.data));
  const header = [
    `unet plan --data ${request.data} --time ${formatDuration(request.budget)}: the data's fingerprint and this machine's`,
    `measured step times (${timer.label}) made every choice below; each says why (src/app/plan/rules.ts).`,
    '',
    ...describeFingerprint(fp),
    `probe (${timer.label}${timer.workers > 1 ? `: train with --workers ${timer.workers}` : ''}${timer.load ? `; ${timer.load}` : ''}):`,
    ...timed.map((t) => `  ${describeTimed(t)}`),
    '',
    `unet train ${request.specPath ?? 'SPEC.unet'} --data ${request.data}${timer.workers > 1 ? ` --workers ${timer.workers}` : ''}`,
  ];
  const text = planText(plan, header);
  compilePlanText(text);
  return { plan, fingerprint: fp, timed, text };
}
