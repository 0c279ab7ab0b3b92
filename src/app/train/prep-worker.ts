// One sample-preparation worker thread (prep-pool.ts): holds its own copy of the training
// samples and rebuilds the run's preparers from the IR and the normaliser (preparers.ts), so
// it prepares sample i of epoch e exactly as the main thread would (augmentRng).
import { parentPort } from 'node:worker_threads';
import { augmentRng } from '../../backends/tfjs/train/prepare.ts';
import type { AnySample } from '../../backends/tfjs/train/batches.ts';
import { preparersFor, type AnyPreparers } from './preparers.ts';
import { ownArrays, sampleBuffers, type FromPrep, type ToPrep } from './prep-protocol.ts';

const port = parentPort!;
let run: { preparers: AnyPreparers; seed: number; train: AnySample[] } | null = null;

function post(message: FromPrep, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function handle(message: ToPrep): void {
  if (message.type === 'init') {
    run = { preparers: preparersFor(message.ir, message.normalizer), seed: message.seed, train: message.train };
    post({ type: 'ready' });
    return;
  }
  if (!run) throw new Error('prepare before init');
  const prepared = run.preparers.train(run.train[message.index], augmentRng(run.seed, message.epoch, message.index));
  // Own arrays: a prepared mask may be the stored sample's own, which a transfer would take away.
  const sample = { ...ownArrays(prepared), weights: prepared.weights?.slice() ?? null };
  post({ type: 'prepared', sample }, sampleBuffers(sample));
}

port.on('message', (message: ToPrep) => {
  try {
    handle(message);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
