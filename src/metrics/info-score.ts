// The ISBI 2012 challenge's information-theoretic score V_info (Arganda-Carreras et al.,
// "Crowdsourcing the creation of image segmentation algorithms for connectomics", Front.
// Neuroanat. 2015: "foreground-restricted information theoretic scoring"), beside the Rand
// score of ./rand-error.ts on the same contingency table (./contingency.ts).
//
// With p_ij = n_ij / N, t_i = sum_j p_ij (truth T), s_j = sum_i p_ij (prediction S), N the
// image's pixel count (the challenge's scripts normalize by all pixels, not the foreground's):
// H(T) = -sum t log t, H(S) = -sum s log s, I(S;T) = sum p log p - sum s log s - sum t log t;
// split score = I/H(S) (extra segments raise H(S)), merge score = I/H(T), V_info = their
// harmonic mean. Singletons (predicted membrane in a true cell) are one-pixel segments.
import type { Mask2D } from '../data/types.ts';
import { foregroundContingency } from './contingency.ts';

/** V_info (higher is better, 1 = same segments) with its split and merge scores. */
export interface InfoScore {
  score: number;
  split: number;
  merge: number;
}

/** Foreground-restricted V_info of a predicted membrane mask; `membraneClass` as in randError. */
export function infoScore(pred: Mask2D, truth: Mask2D, membraneClass = 1): InfoScore {
  const { pixels, joint, trueSize, predSize, singletons } = foregroundContingency(pred, truth, membraneClass);
  const plogp = (count: number) => (count === 0 ? 0 : (count / pixels) * Math.log(count / pixels));
  const sum = (counts: Iterable<number>) => {
    let s = 0;
    for (const c of counts) s += plogp(c);
    return s;
  };
  const singletonTerm = singletons * plogp(1);
  const sumTrue = sum(trueSize);
  const sumPred = sum(predSize) + singletonTerm;
  const sumJoint = sum(joint) + singletonTerm;
  const [hTrue, hPred] = [-sumTrue, -sumPred];
  const mutual = sumJoint - sumTrue - sumPred;
  // 0/0 (one segment, or no foreground, on that side) counts as agreement.
  const ratio = (h: number) => (h <= 0 ? 1 : mutual / h);
  const [split, merge] = [ratio(hPred), ratio(hTrue)];
  return { score: split + merge === 0 ? 0 : (2 * split * merge) / (split + merge), split, merge };
}
