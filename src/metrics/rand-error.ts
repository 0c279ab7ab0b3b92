// The ISBI 2012 challenge's Rand error (Arganda-Carreras et al., Front. Neuroanat. 2015,
// "foreground-restricted Rand scoring"; U-Net paper: 0.0382 on the test stack).
//
// Both masks are binary membrane maps; segments and the foreground restriction are those of
// ./contingency.ts. With n_ij = pixels in true segment i and predicted segment j, t_i = sum_j n_ij, s_j =
// sum_i n_ij: recall (split score) = sum n_ij^2 / sum t_i^2, precision (merge score) =
// sum n_ij^2 / sum s_j^2, F = 2PR / (P + R), Rand error = 1 - F. A singleton (predicted
// membrane inside a true cell) joins no pair, so missed interiors cost recall.
//
// Its information-theoretic twin, V_info, is in ./info-score.ts.
//
// The challenge's warping error (topology-preserving warping, Jain et al. 2010) is in
// ./warping-error.ts.
import type { Mask2D } from '../data/types.ts';
import { foregroundContingency } from './contingency.ts';

/** Rand error with its precision and recall. */
export interface RandScore {
  error: number;
  precision: number;
  recall: number;
}

/**
 * Foreground-restricted Rand error of a predicted membrane mask; `membraneClass` is the class
 * index of membrane/boundary pixels in both masks (1 with ISBI maskValues [255, 0]).
 */
export function randError(pred: Mask2D, truth: Mask2D, membraneClass = 1): RandScore {
  const { joint, trueSize, predSize, singletons } = foregroundContingency(pred, truth, membraneClass);
  const sumSquares = (values: Iterable<number>) => {
    let s = 0;
    for (const v of values) s += v * v;
    return s;
  };
  const sumJoint = sumSquares(joint) + singletons;
  const sumTrue = sumSquares(trueSize);
  const sumPred = sumSquares(predSize) + singletons;
  if (sumTrue === 0) return { error: 0, precision: 1, recall: 1 }; // no foreground to score
  const precision = sumJoint / sumPred;
  const recall = sumJoint / sumTrue;
  return { error: 1 - (2 * precision * recall) / (precision + recall), precision, recall };
}
