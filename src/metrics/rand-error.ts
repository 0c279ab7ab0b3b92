// The ISBI 2012 challenge's Rand error (Arganda-Carreras et al., Front. Neuroanat. 2015,
// "foreground-restricted Rand scoring"; U-Net paper: 0.0382 on the test stack).
//
// Both masks are binary membrane maps. Segments are the connected components (4-connected)
// of the non-membrane class. Only pixels where the ground truth is non-membrane count.
// With n_ij = pixels in true segment i and predicted segment j, t_i = sum_j n_ij, s_j =
// sum_i n_ij: recall (split score) = sum n_ij^2 / sum t_i^2, precision (merge score) =
// sum n_ij^2 / sum s_j^2, F = 2PR / (P + R), Rand error = 1 - F. A pixel the prediction
// calls membrane inside a true cell is its own one-pixel segment (the SNEMI3D convention:
// it joins no pair, so missed interiors cost recall).
//
// The challenge's warping error (topology-preserving warping, Jain et al. 2010) is in
// ./warping-error.ts.
import { connectedComponents } from '../data/components.ts';
import type { Mask2D } from '../data/types.ts';
import { assertSameSize } from './check.ts';

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
  assertSameSize(pred, truth);
  const { height, width } = truth;
  const trueSeg = connectedComponents(height, width, (i) => truth.data[i] !== membraneClass);
  const predSeg = connectedComponents(height, width, (i) => pred.data[i] !== membraneClass);
  const joint = new Map<number, number>(); // key i * (predCount + 1) + j
  const trueSize = new Float64Array(trueSeg.count + 1);
  const predSize = new Float64Array(predSeg.count + 1);
  let singletons = 0;
  for (let p = 0; p < height * width; p++) {
    const i = trueSeg.labels[p];
    if (i === 0) continue; // restricted to the ground truth's foreground
    trueSize[i]++;
    const j = predSeg.labels[p];
    if (j === 0) {
      singletons++;
      continue;
    }
    predSize[j]++;
    const key = i * (predSeg.count + 1) + j;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const sumSquares = (values: Iterable<number>) => {
    let s = 0;
    for (const v of values) s += v * v;
    return s;
  };
  const sumJoint = sumSquares(joint.values()) + singletons;
  const sumTrue = sumSquares(trueSize);
  const sumPred = sumSquares(predSize) + singletons;
  if (sumTrue === 0) return { error: 0, precision: 1, recall: 1 }; // no foreground to score
  const precision = sumJoint / sumPred;
  const recall = sumJoint / sumTrue;
  return { error: 1 - (2 * precision * recall) / (precision + recall), precision, recall };
}
