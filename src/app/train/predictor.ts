// The tfjs Predictor (src/data/segment.ts) of a run: its checkpoint loaded from disk into the
// browser-safe modelPredictor that the playground uses too.
import type { Predictor } from '../../data/segment.ts';
import type { Model } from '../../language/ir/types.ts';
import { buildModel } from '../../backends/tfjs/build.ts';
import { modelPredictor } from '../../backends/tfjs/predictor.ts';
import { loadCheckpoint } from '../../backends/tfjs/train/checkpoint.ts';
import { findCheckpoint, type CheckpointName } from '../../io/checkpoints.ts';

/**
 * The checkpoint to predict with: by default the best (best validation Dice), else the last;
 * `last` = the weights training ended with (`--checkpoint last`).
 */
export function predictionCheckpoint(runDir: string, which: CheckpointName = 'best'): string {
  if (which === 'last') {
    const last = findCheckpoint(runDir, 'last');
    if (last === null) throw new Error(`${runDir}: no last checkpoint (last.json is missing)`);
    return last;
  }
  const dir = findCheckpoint(runDir, 'best') ?? findCheckpoint(runDir, 'last');
  if (dir === null) throw new Error(`${runDir}: no checkpoint yet (neither best.json nor last.json exists)`);
  return dir;
}

/**
 * A tfjs Predictor for a run: the network of the run's IR (at its training size) with the
 * checkpoint's weights, rebuilt for each other input size it meets (valid-padding crops
 * make tfjs models size-specific).
 */
export async function tfjsPredictor(ir: Model, checkpoint: string): Promise<Predictor> {
  const trained = buildModel(ir);
  await loadCheckpoint(checkpoint, trained);
  return modelPredictor(trained, ir);
}
