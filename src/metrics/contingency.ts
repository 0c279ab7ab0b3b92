// The contingency table of the ISBI 2012 foreground-restricted scores (Arganda-Carreras et
// al., "Crowdsourcing the creation of image segmentation algorithms for connectomics",
// Front. Neuroanat. 2015), shared by the Rand score (./rand-error.ts) and the information
// score (./info-score.ts) so both read the same segments.
//
// Segments are the 4-connected components of the non-membrane class of each mask. Only
// pixels where the ground truth is non-membrane count. A pixel the prediction calls membrane
// inside a true cell is its own one-pixel segment (a singleton), as in the challenge's scripts.
import { connectedComponents } from '../data/components.ts';
import type { Mask2D } from '../data/types.ts';
import { assertSameSize } from './check.ts';

export interface ForegroundContingency {
  /** All pixels of the image (the challenge's scripts normalize probabilities by this). */
  pixels: number;
  /** n_ij > 0: pixels in true segment i and predicted segment j (singletons not included). */
  joint: number[];
  /** t_i: pixels of each true segment (index 0 unused, always 0). */
  trueSize: Float64Array;
  /** s_j: pixels of each predicted segment inside the truth's foreground (index 0 unused). */
  predSize: Float64Array;
  /** Predicted-membrane pixels inside true cells: each a segment of one pixel. */
  singletons: number;
}

export function foregroundContingency(pred: Mask2D, truth: Mask2D, membraneClass: number): ForegroundContingency {
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
  return { pixels: height * width, joint: [...joint.values()], trueSize, predSize, singletons };
}
