// An ONNX session as the Predictor of src/data/segment.ts: channel-last batches in, NCHW
// (NCDHW) through the session, channel-last probabilities out. Browser-safe and independent
// of the runtime package: onnxruntime-node (runtime.ts, `unet predict`) and onnxruntime-web
// (the playground's network page) share the same code, each giving its own Tensor class.
import type { Predictor } from '../../data/segment.ts';

/** A float32 NCHW (NCDHW) array with its dims. */
export interface DenseTensor {
  data: Float32Array;
  dims: number[];
}

/** What runOnnx needs of an onnxruntime InferenceSession (node or web: onnxruntime-common's API). */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, never>): Promise<Record<string, { data: unknown; dims: readonly number[]; dispose(): void }>>;
}

/** The runtime's `new Tensor('float32', data, dims)`. */
export type MakeTensor = (data: Float32Array, dims: number[]) => unknown;

/** Runs the session's single input to its single output; every other output is released. */
export async function runOnnx(session: OnnxSession, input: DenseTensor, makeTensor: MakeTensor): Promise<DenseTensor> {
  const feeds = { [session.inputNames[0]!]: makeTensor(input.data, input.dims) } as Record<string, never>;
  const results = await session.run(feeds);
  const output = results[session.outputNames[0]!]!;
  const result = { data: output.data as Float32Array, dims: output.dims.slice() };
  for (const tensor of Object.values(results)) if (tensor !== output) tensor.dispose();
  return result;
}

/** Channel-last -> channel-first for one batch (NHWC -> NCHW, NDHWC -> NCDHW): s spatial positions per item. */
function toChannelsFirst(data: Float32Array, n: number, s: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < s; p++)
      for (let k = 0; k < c; k++) out[(b * c + k) * s + p] = data[(b * s + p) * c + k]!;
  return out;
}

/** Channel-first -> channel-last for one batch of dims [n, c, ...spatial]. */
function toChannelsLast(data: Float32Array, [n, c, ...spatial]: number[]): Float32Array {
  const s = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let k = 0; k < c!; k++)
      for (let p = 0; p < s; p++) out[(b * s + p) * c! + k] = data[(b * c! + k) * s + p]!;
  return out;
}

/** The Predictor of a network with `channels` input channels whose NCHW forward pass is `run`. */
export function onnxPredictor(run: (input: DenseTensor) => Promise<DenseTensor>, channels: number): Predictor {
  return async (batch, n, ...size) => {
    const s = size.reduce((a, b) => a * b, 1);
    const out = await run({ data: toChannelsFirst(batch, n, s, channels), dims: [n, channels, ...size] });
    return toChannelsLast(out.data, out.dims);
  };
}
