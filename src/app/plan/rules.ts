// The rules of `unet plan`, in one place: the data's fingerprint, this machine's measured
// step times and the time budget in, every choice with its reason out. As nnU-Net's planner
// sizes a network to a GPU's memory, these size it to a wall-time budget.
//
// RULES holds every threshold; ISBI_RECIPE is the training recipe of specs/isbi2012.unet
// (the hand-tuned winner on real data, docs/isbi2012.md): when that spec changes, change
// ISBI_RECIPE to match (test/app/plan/recipe.test.ts compares the two and fails until then).
import { withInputSize } from '../../language/shapes/infer.ts';
import type { Fingerprint } from './fingerprint.ts';
import type { Candidate, Choice, Plan } from './plan.ts';
import { candidateModel } from './write.ts';

export const RULES = {
  /** Objects this close (px of gap) are "touching": within 2 sigma of the weight map, where its border term is still above w0 / e^2. */
  touchGapPx: 10,
  /** A data set has touching objects when at least this share of them has a neighbour that close. */
  touchingShare: 0.5,
  /** The class between objects is a thin separator when its median thickness is at most this (px). */
  thinSeparatorPx: 10,
  /**
   * Separators at most this thick (px) get the paper's border weight map in the CE term: a
   * per-pixel loss hardly sees gaps of a pixel or two. ISBI's membranes (about 5 px) did
   * better without it (docs/isbi2012.md: Dice 0.770 with, 0.801 without).
   */
  weightMapGapPx: 3,
  /**
   * The receptive field must span this many times the large (90th percentile) object
   * diameter: an object and the borders of its neighbours. On ISBI (cells of 73 px) that is
   * depth 4 (204 px), the depth of specs/isbi2012.unet (the first recipe's depth 3 lost with
   * it; depth alone was not compared: docs/isbi2012.md).
   */
  rfOverObject: 2,
  depths: [2, 3, 4, 5],
  /** The deepest map of a training window keeps at least this many pixels a side. */
  minBottomPx: 8,
  /** Base filters the probe tries; more filters are preferred while the budget allows enough steps. */
  filters: [8, 16, 32],
  /** Crop sizes the probe tries (each rounded down to a legal size no larger than the images). */
  cropTargets: [128, 188, 252, 256],
  /** Input pixels per step: 4 crops of 256 x 256, the batch of specs/isbi2012.unet. */
  batchPixels: 4 * 256 * 256,
  minBatch: 2,
  maxBatch: 16,
  /** Optimizer steps the budget must allow: isbi2012.unet's best checkpoints came after 150-300 Adam steps; 600 leaves room. */
  minSteps: 600,
  /** Share of the wall time spent in training steps (the rest: batches, validation, checkpoints; docs/isbi2012.md). */
  trainShare: 0.7,
  /** Up to this many training images, gray-value changes too (ISBI_RECIPE.augmentFew). */
  fewImages: 100,
  /** Per-image normalisation when the image means vary by more than this share of the pixel std. */
  imageNormalizeRatio: 0.5,
  valSplit: 0.2,
  seed: 1,
} as const;

/**
 * The train section of specs/isbi2012.unet, the tuned recipe every plan starts from
 * (docs/isbi2012.md: each part kept or rejected on the validation split). The weight map is
 * the paper's, for separators of RULES.weightMapGapPx or less; ISBI itself does without.
 */
export const ISBI_RECIPE = {
  loss: 'ce_dice',
  weightMap: { w0: 10, sigma: 5 },
  optimizer: 'adam lr 0.001',
  schedule: 'cosine',
  normalize: 'dataset',
  // The paper's regularisers, elastic deformation and drop-out at the end of the contracting
  // path: together they won the 20-minute side by side (Dice 0.818 against 0.809 without).
  augmentFew: ['elastic grid 3 sigma 10', 'flip', 'rotate90', 'brightness 0.1', 'contrast 0.1'],
  bottomDropout: 0.5,
} as const;

/** Augmentation with many images: the flips and quarter turns only (nnU-Net mirrors on every axis). */
const AUGMENT_MANY = ['flip', 'rotate90'];

const px = (n: number) => `${Math.round(n)} px`;
const pct = (x: number) => `${Math.round(100 * x)} %`;

/** Share of objects whose nearest neighbour is within RULES.touchGapPx. */
export function touchingShare(fp: Fingerprint): number {
  const gaps = fp.objects.gaps;
  return gaps.length === 0 ? 0 : gaps.filter((g) => g <= RULES.touchGapPx).length / gaps.length;
}

/** Touching objects split by a thin class: the paper's setting (ISBI membranes between cells). */
export function hasThinSeparators(fp: Fingerprint): boolean {
  return fp.classes === 2 && touchingShare(fp) >= RULES.touchingShare && fp.separatorThickness.median <= RULES.thinSeparatorPx;
}

/** The choices that follow from the data alone. */
export type DataChoices = Pick<Plan, 'classes' | 'labels' | 'maskValues' | 'loss' | 'weightMap' | 'padding' | 'depth' | 'dropout' | 'normalize' | 'optimizer' | 'schedule' | 'augment'>;

/** Class order, loss and weight map: the thin separator becomes class 1, the paper's target. */
function targetChoices(fp: Fingerprint): Pick<DataChoices, 'labels' | 'maskValues' | 'loss' | 'weightMap'> {
  const share = touchingShare(fp);
  const sep = fp.separatorThickness.median;
  const values = fp.classValues;
  const other = 1 - fp.objectClass;
  if (hasThinSeparators(fp)) {
    // Objects class 0, separator class 1 (needs the raw values; built-in masks are class indices already).
    const maskValues = values ? [values[fp.objectClass], values[other]] : null;
    const cellClass = values ? 0 : fp.objectClass;
    const why = `${pct(share)} of the objects have a neighbour within ${px(RULES.touchGapPx)} across a separator ${px(sep)} thick`;
    const hairline = sep <= RULES.weightMapGapPx;
    return {
      labels: cellClass === 0 ? ['object', 'separator'] : ['separator', 'object'],
      maskValues: { value: maskValues, why: values ? `the thin separating class (mask value ${values[other]}) is the target, class 1, as in the U-Net paper's ISBI membranes` : '' },
      loss: {
        value: ISBI_RECIPE.loss,
        why: hairline
          ? `${why}: CE + soft Dice, the CE term weighted by the paper's border weight map so the net learns the gaps`
          : `${why}: CE + soft Dice; separators thicker than ${px(RULES.weightMapGapPx)} need no border weights (on ISBI they made membranes thick)`,
      },
      weightMap: hairline ? { value: { ...ISBI_RECIPE.weightMap, cellClass }, why: `U-Net paper, sec. 3; the objects (class ${cellClass}) are the cells` } : { value: null, why: '' },
    };
  }
  const why = fp.classes > 2 ? `${fp.classes} classes` : `only ${pct(share)} of the objects touch (gap <= ${px(RULES.touchGapPx)}) and the background is ${px(sep)} thick`;
  // The objects become class 1 when the sorted mask values put them first (e.g. 0 = object, 255 = background).
  const swap = fp.classes === 2 && fp.objectClass === 0 && values !== null;
  return {
    labels: fp.classes === 2 ? ['background', 'object'] : Array.from({ length: fp.classes }, (_, k) => `class ${k}`),
    maskValues: swap ? { value: [values[1], values[0]], why: `the objects (mask value ${values[0]}) become class 1` } : { value: null, why: '' },
    loss: { value: 'ce_dice', why: `${why}: no weight map; soft Dice counters the class imbalance` },
    weightMap: { value: null, why: '' },
  };
}

/** The deepest depth whose smallest legal window fits the images with a bottom map of at least minBottomPx. */
function maxDepth(fp: Fingerprint, padding: 'valid' | 'same', channels: number, classes: number): number {
  const side = Math.min(fp.height.min, fp.width.min);
  const fits = RULES.depths.filter((d) => candidateModel({ depth: d, filters: 8, padding }, channels, classes).legalSizes.min <= side && side / 2 ** d >= RULES.minBottomPx);
  if (fits.length === 0) throw new Error(`the images are ${side} px on their short side: too small for a U-Net of depth ${RULES.depths[0]} (at least ${RULES.minBottomPx * 2 ** RULES.depths[0]} px)`);
  return Math.max(...fits);
}

/** Depth: the shallowest whose receptive field spans the large objects. */
function depthChoice(fp: Fingerprint, padding: 'valid' | 'same', classes: number): Choice<number> {
  const wanted = RULES.rfOverObject * fp.objects.diameter.p90;
  const top = maxDepth(fp, padding, fp.channels, classes);
  for (const d of RULES.depths.filter((d) => d <= top)) {
    const rf = candidateModel({ depth: d, filters: 8, padding }, fp.channels, classes).totals.receptiveField ?? 0;
    if (rf >= wanted) return { value: d, why: `receptive field ${px(rf)} >= ${RULES.rfOverObject} x the large objects' diameter (90th percentile ${px(fp.objects.diameter.p90)})` };
  }
  return { value: top, why: `the deepest the ${px(Math.min(fp.height.min, fp.width.min))} images allow; large objects (${px(fp.objects.diameter.p90)}) exceed its receptive field` };
}

/** Everything that follows from the fingerprint, before any timing. */
export function dataChoices(fp: Fingerprint): DataChoices {
  // Valid padding (the paper's) supervises only the centre of a crop: 164 of 252 px a side at
  // depth 3, against every pixel of a same-padding crop; on ISBI same padding won (docs/isbi2012.md).
  const padding: Choice<'valid' | 'same'> = {
    value: 'same',
    why: 'every pixel of a training crop is supervised (valid padding: only its centre); tiles overlap and blend at inference',
  };
  const trainImages = Math.round(fp.images * (1 - RULES.valSplit));
  const few = trainImages <= RULES.fewImages;
  const varying = fp.intensity.imageMeanStd > RULES.imageNormalizeRatio * fp.intensity.std;
  return {
    classes: fp.classes,
    ...targetChoices(fp),
    padding,
    depth: depthChoice(fp, padding.value, fp.classes),
    normalize: varying
      ? { value: 'image', why: `image means vary (std ${fp.intensity.imageMeanStd.toFixed(3)}) by more than ${RULES.imageNormalizeRatio} x the pixel std ${fp.intensity.std.toFixed(3)}` }
      : { value: ISBI_RECIPE.normalize, why: `training-set mean ${fp.intensity.mean.toFixed(3)} and std ${fp.intensity.std.toFixed(3)} (images alike: their means vary by ${fp.intensity.imageMeanStd.toFixed(3)})` },
    optimizer: { value: ISBI_RECIPE.optimizer, why: 'the recipe of specs/isbi2012.unet' },
    schedule: { value: ISBI_RECIPE.schedule, why: 'follows the elapsed share of the time budget' },
    dropout: few
      ? { value: ISBI_RECIPE.bottomDropout, why: `${trainImages} training images (<= ${RULES.fewImages}): the paper's drop-out at the end of the contracting path, as specs/isbi2012.unet` }
      : { value: 0, why: `${trainImages} training images (> ${RULES.fewImages}): no drop-out` },
    augment: few
      ? { value: [...ISBI_RECIPE.augmentFew], why: `${trainImages} training images (<= ${RULES.fewImages}): the paper's elastic deformation, flips, quarter turns and gray-value changes, as specs/isbi2012.unet` }
      : { value: AUGMENT_MANY, why: `${trainImages} training images (> ${RULES.fewImages}): flips and quarter turns suffice` },
  };
}

/** The batch for a window: about RULES.batchPixels input pixels a step, a multiple of the workers. */
export function batchFor(size: number, workers: number): number {
  const raw = Math.min(RULES.maxBatch, Math.max(RULES.minBatch, RULES.batchPixels / (size * size)));
  const pow2 = 2 ** Math.floor(Math.log2(raw));
  return Math.ceil(pow2 / workers) * workers;
}

/** The networks and windows the probe times: every filter count at every crop size. */
export function candidates(fp: Fingerprint, data: DataChoices, workers: number): Candidate[] {
  const side = Math.min(fp.height.min, fp.width.min);
  const sameSize = fp.height.min === fp.height.max && fp.width.min === fp.width.max && fp.height.min === fp.width.min;
  const out: Candidate[] = [];
  for (const filters of RULES.filters) {
    const model = candidateModel({ depth: data.depth.value, filters, padding: data.padding.value }, fp.channels, fp.classes);
    const { min, modulus, residues } = model.legalSizes;
    const legalBelow = (s: number) => {
      for (let x = s; x >= min; x--) if (residues.includes(x % modulus)) return x;
      return null;
    };
    const sizes = new Set(RULES.cropTargets.map((t) => legalBelow(Math.min(t, side))).filter((s): s is number => s !== null));
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const batch = batchFor(size, workers);
      // Whole images when they are all one legal size that a window would cover anyway (same padding only: valid needs context).
      const crop = sameSize && size === side && data.padding.value === 'same' ? null : size;
      const flops = withInputSize(model, [size, size]).totals.flops ?? 0;
      out.push({ depth: data.depth.value, filters, padding: data.padding.value, crop, size, batch, flops: flops * batch });
    }
  }
  return out;
}

/** A candidate with its measured (or FLOP-scaled) seconds per training step. */
export interface Timed {
  candidate: Candidate;
  seconds: number;
  measured: boolean;
}

/** Steps the budget allows a candidate. */
export function stepsInBudget(t: Timed, budget: number): number {
  return Math.floor((budget * RULES.trainShare) / t.seconds);
}

/** The longest step that still leaves RULES.minSteps steps in the budget. */
export function allowedStepSeconds(budget: number): number {
  return (budget * RULES.trainShare) / RULES.minSteps;
}

/** Preference among candidates that fit the budget: the most filters, then the largest window. */
export function rankCandidates<T extends Candidate>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.filters - a.filters || b.size - a.size);
}

/** The first candidate of rankCandidates that still trains minSteps steps in the budget; else the cheapest. */
export function chooseCandidate(timed: readonly Timed[], budget: number): { chosen: Timed; why: string } {
  const byCandidate = new Map(timed.map((t) => [t.candidate, t]));
  const ranked = rankCandidates(timed.map((t) => t.candidate)).map((c) => byCandidate.get(c)!);
  const fits = ranked.find((t) => stepsInBudget(t, budget) >= RULES.minSteps);
  const how = (t: Timed) => `${t.seconds.toFixed(2)} s a step ${t.measured ? 'measured' : 'scaled by FLOPs from the probe'}`;
  if (fits) return { chosen: fits, why: `${how(fits)}: ${stepsInBudget(fits, budget)} steps in the budget (>= ${RULES.minSteps}), the most capacity that allows` };
  const cheapest = [...timed].sort((a, b) => a.seconds - b.seconds)[0];
  return { chosen: cheapest, why: `${how(cheapest)}: no candidate reaches ${RULES.minSteps} steps in the budget, so the cheapest (${stepsInBudget(cheapest, budget)} steps)` };
}

/** The whole plan: data choices, the chosen candidate, and the epochs the budget buys. */
export function finishPlan(fp: Fingerprint, data: DataChoices, timed: readonly Timed[], budget: number, name: string): Plan {
  const { chosen, why } = chooseCandidate(timed, budget);
  const c = chosen.candidate;
  const steps = stepsInBudget(chosen, budget);
  const trainImages = Math.max(1, Math.round(fp.images * (1 - RULES.valSplit)));
  const perEpoch = Math.ceil(trainImages / c.batch);
  const epochs = Math.max(1, Math.floor(steps / perEpoch));
  return {
    name,
    channels: fp.channels,
    ...data,
    filters: { value: c.filters, why },
    crop: c.crop === null
      ? { value: null, why: `whole ${c.size} x ${c.size} images: they are a legal size and no larger than a window` }
      : { value: c.crop, why: `${data.padding.value === 'valid' ? `${px(c.size)} window, ` : ''}the largest of the probed windows at this width within the budget` },
    batch: { value: c.batch, why: `about ${RULES.batchPixels.toLocaleString('en-US')} input pixels a step (4 crops of 256 px)` },
    time: { value: budget, why: 'the wall-time budget (--time); training ends there with a checkpoint' },
    epochs: { value: epochs, why: `about ${steps} steps of ${perEpoch} per epoch fit the budget (used only without \`time\`)` },
    valSplit: RULES.valSplit,
    seed: RULES.seed,
  };
}
