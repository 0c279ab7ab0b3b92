// Checkpoints (run/last, run/best): the model's weights, the optimizer slots and the loop
// state, in one JSON manifest and one binary file of float32 arrays. Written to a temp
// directory and renamed into place, so a crash or Ctrl-C never leaves half a checkpoint.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
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

/** Writes a checkpoint directory atomically: temp dir, then rename over the old one. */
export async function saveCheckpoint(dir: string, model: tf.LayersModel, state: TrainState): Promise<void> {
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
  await writeDirAtomically(dir, async (tmp) => {
    await writeFile(join(tmp, DATA), bytes);
    await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
  });
}

/**
 * Fills a fresh temp directory and renames it to dir. A directory cannot be renamed over
 * a non-empty one, so the old one is first moved aside and removed afterwards.
 */
export async function writeDirAtomically(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** Reads a checkpoint into the model (weights by name) and returns the loop state. */
export async function loadCheckpoint(dir: string, model: tf.LayersModel): Promise<TrainState> {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new Error(`${dir}: no checkpoint (${MANIFEST} missing)`);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  const bytes = await readFile(join(dir, DATA));
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
