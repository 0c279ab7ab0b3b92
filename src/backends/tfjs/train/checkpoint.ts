// Checkpoints: the model's weights, the optimizer slots and the loop state, in one JSON
// manifest and one binary file of float32 arrays. Where they live in a run and how a crash
// never leaves half of one: src/io/checkpoints.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { commitCheckpoint, type CheckpointName } from '../../../io/checkpoints.ts';
import { expectThat, readBinaryFile, readJsonFile, sizeOf } from '../../../io/read-file.ts';
import type { TrainState } from './loop.ts';

const MANIFEST = 'checkpoint.json';
const DATA = 'tensors.bin';

interface TensorEntry {
  name: string;
  shape: number[];
}

interface Manifest {
  format: 'unet-checkpoint';
  version: 1;
  /** The loop state; optimizer slot arrays are in the binary file. */
  state: Omit<TrainState, 'optimizer'> & { optimizer: { kind: string; step: number } };
  /** Every model weight (trainable and batch-norm statistics), then every optimizer slot array. */
  weights: TensorEntry[];
  slots: { slot: string; shape: number[] }[];
}

/** Writes a new checkpoint of the run in runDir and points `names` (last, best) at it; returns its folder. */
export async function saveCheckpoint(runDir: string, model: tf.LayersModel, state: TrainState, names: CheckpointName[] = ['last']): Promise<string> {
  // data(), not dataSync(): the webgpu engine cannot read synchronously in Node.
  const weights = await Promise.all(
    model.weights.map(async (w) => ({ name: w.originalName, shape: w.shape as number[], data: (await w.read().data()) as Float32Array })),
  );
  const slots = Object.entries(state.optimizer.slots).flatMap(([slot, arrays]) =>
    arrays.map((data, i) => ({ slot, shape: [data.length], data, index: i })),
  );
  const { slots: _omit, ...optimizer } = state.optimizer;
  const manifest: Manifest = {
    format: 'unet-checkpoint',
    version: 1,
    state: { ...state, optimizer },
    weights: weights.map(({ name, shape }) => ({ name, shape })),
    slots: slots.map(({ slot, shape }) => ({ slot, shape })),
  };
  const arrays = [...weights, ...slots].map((t) => t.data);
  const bytes = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  const files = new Map<string, string | Uint8Array>([
    [DATA, bytes],
    [MANIFEST, JSON.stringify(manifest, null, 1) + '\n'],
  ]);
  return commitCheckpoint(runDir, files, names);
}

/** The manifest's structure, checked before its sizes are trusted to slice tensors.bin. */
function asManifest(value: unknown): Manifest {
  const m = value as Partial<Manifest> | null;
  expectThat(m?.format === 'unet-checkpoint', "`format` must be 'unet-checkpoint'");
  const shapes = [...(Array.isArray(m!.weights) ? m!.weights : [null]), ...(Array.isArray(m!.slots) ? m!.slots : [null])];
  expectThat(shapes.every((t) => Array.isArray(t?.shape) && t.shape.every((n) => Number.isInteger(n) && n >= 0)), '`weights` and `slots` must be lists of entries with a `shape` of integers');
  expectThat(typeof m!.state === 'object' && m!.state !== null && Number.isInteger(m!.state.epoch), '`state` must hold the loop state (`epoch`, ...)');
  return m as Manifest;
}

/** Reads a checkpoint into the model (weights by name) and returns the loop state. */
export async function loadCheckpoint(dir: string, model: tf.LayersModel): Promise<TrainState> {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new Error(`${dir}: no checkpoint (${MANIFEST} missing)`);
  const manifest = await readJsonFile(path, 'a checkpoint manifest', asManifest);
  const values = [...manifest.weights, ...manifest.slots].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = await readBinaryFile(join(dir, DATA), "a checkpoint's tensors", sizeOf(values));
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const take = (shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = floats.slice(offset, offset + size);
    offset += size;
    return data;
  };
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  for (const entry of manifest.weights) {
    const variable = byName.get(entry.name);
    const data = take(entry.shape);
    if (!variable || variable.shape.join() !== entry.shape.join()) {
      throw new Error(`${path}: weight '${entry.name}' [${entry.shape}] does not match the model (${variable ? `[${variable.shape}]` : 'no such weight'})`);
    }
    tf.tidy(() => {
      variable.write(tf.tensor(data, entry.shape));
    });
  }
  if (manifest.weights.length !== byName.size) {
    throw new Error(`${path}: has ${manifest.weights.length} weights, the model ${byName.size}`);
  }
  const slots: Record<string, Float32Array[]> = {};
  for (const { slot, shape } of manifest.slots) (slots[slot] ??= []).push(take(shape));
  return { ...manifest.state, optimizer: { ...manifest.state.optimizer, slots } };
}
