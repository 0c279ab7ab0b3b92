// One data-parallel replica in a worker thread: its own tfjs engine (wasm keeps one thread
// per engine in Node), a copy of the model and a TrainingLoop holding its own optimizer
// state. It computes the gradients of its shard with the loop's own gradients(), and
// applies the averaged gradients it is sent with the loop's own update(), so every replica
// does exactly what replica 0 does on the main thread.
import { parentPort } from 'node:worker_threads';
import { Random } from '../../../../data/random.ts';
import type { Sample } from '../../../../data/types.ts';
import { selectEngine, tf } from '../../engines.ts';
// Registers the custom layers, which rebuilding the model from its topology needs.
import '../../layers/index.ts';
import { TrainingLoop } from '../loop.ts';
import { splitFlat } from './average.ts';
import type { FromReplica, ToReplica } from './protocol.ts';

const port = parentPort!;
let model: tf.LayersModel | null = null;
let loop: TrainingLoop | null = null;
/** Shapes of the trainable weights, the order of gradients. */
let shapes: number[][] = [];

function post(message: FromReplica, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** A tensor's values as a Float32Array of its own (safe to transfer on every backend). */
function ownCopy(t: tf.Tensor): Float32Array {
  return new Float32Array(t.dataSync() as Float32Array);
}

async function handle(message: ToReplica): Promise<void> {
  switch (message.type) {
    case 'init': {
      await selectEngine(message.engine);
      model = await tf.models.modelFromJSON({ modelTopology: message.topology } as Parameters<typeof tf.models.modelFromJSON>[0]);
      const weights = model.weights.map((w, i) => tf.tensor(message.weights[i], w.shape as number[]));
      model.setWeights(weights);
      tf.dispose(weights);
      shapes = model.trainableWeights.map((w) => w.shape as number[]);
      const prepare = (): never => {
        throw new Error('a replica prepares no samples');
      };
      loop = new TrainingLoop<Sample>({ model, config: message.config, classes: 2, train: [], val: [], prepare }, message.state);
      post({ type: 'ready', backend: tf.getBackend() });
      return;
    }
    case 'gradients': {
      const { shard } = message;
      loop!.seedDropout(new Random(shard.dropoutSeed));
      const { loss, grads } = tf.tidy(() => {
        const x = tf.tensor(shard.x, shard.xShape);
        const labels = tf.tensor(shard.labels, shard.labelsShape, 'int32');
        const weights = shard.weights ? tf.tensor(shard.weights, shard.labelsShape) : null;
        return loop!.gradients(x, labels, weights);
      });
      const arrays = grads.map(ownCopy);
      const value = loss.dataSync()[0];
      tf.dispose([loss, ...grads]);
      post({ type: 'gradients', loss: value, grads: arrays }, arrays.map((a) => a.buffer as ArrayBuffer));
      return;
    }
    case 'update': {
      const views = splitFlat(message.grads, shapes.map((s) => s.reduce((a, b) => a * b, 1)));
      const grads = views.map((g, i) => tf.tensor(g, shapes[i]));
      loop!.update(grads, message.lr);
      tf.dispose(grads);
      return;
    }
    case 'weights': {
      const arrays = model!.weights.map((w) => ownCopy(w.read()));
      post({ type: 'weights', weights: arrays }, arrays.map((a) => a.buffer as ArrayBuffer));
      return;
    }
  }
}

// One message at a time, in order: an update always lands before the next step's gradients.
let queue = Promise.resolve();
port.on('message', (message: ToReplica) => {
  queue = queue.then(() =>
    handle(message).catch((error: unknown) => {
      post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }),
  );
});
