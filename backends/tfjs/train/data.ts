// The --data argument -> samples: `builtin:ellipses` (synthetic, src/data/ellipses.ts) or
// a folder in one of the layouts of src/data/dataset.ts.
import { loadFolderDataset } from '../../../src/data/dataset.ts';
import { makeEllipses } from '../../../src/data/ellipses.ts';
import type { Sample } from '../../../src/data/types.ts';
import type { Model } from '../../../src/ir/types.ts';

export const BUILTIN_ELLIPSES = 'builtin:ellipses';
/** Images in builtin:ellipses: enough for Dice >= 0.9 within the `npm start` time budget. */
export const ELLIPSES_COUNT = 480;
/** Image size of builtin:ellipses when the spec leaves the input size open. */
const ELLIPSES_SIZE = 64;

/**
 * Loads the training data; folder problems throw DataError naming the file.
 * `builtin:ellipses:N` asks for N images instead of ELLIPSES_COUNT (quick experiments, tests).
 */
export async function loadTrainingData(data: string, ir: Model): Promise<Sample[]> {
  if (data.startsWith('builtin:')) {
    const match = /^builtin:ellipses(?::(\d+))?$/.exec(data);
    if (!match) throw new Error(`unknown built-in data set '${data}': expected ${BUILTIN_ELLIPSES} or ${BUILTIN_ELLIPSES}:N`);
    const count = match[1] ? Number(match[1]) : ELLIPSES_COUNT;
    const size = ir.input.size[0] ?? ELLIPSES_SIZE;
    return makeEllipses({ count, size, seed: ir.train.seed });
  }
  return loadFolderDataset(data, {
    maskValues: ir.train.maskValues ?? undefined,
    numClasses: Math.max(ir.classes, 2),
  });
}
