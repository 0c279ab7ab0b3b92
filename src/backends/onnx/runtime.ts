// Inference of an exported file in onnxruntime-node (CPU binaries shipped in the npm package).
import os from 'node:os';
import * as ort from 'onnxruntime-node';

/** A float32 NCHW (NCDHW) array with its dims. */
export interface DenseTensor {
  data: Float32Array;
  dims: number[];
}

export type Session = ort.InferenceSession;

/**
 * A session on every core with all graph optimisations (constant folding, Conv+BN and
 * Conv+activation fusion): onnxruntime's default intra-op pool is smaller on some machines.
 */
export function createSession(model: Uint8Array | string): Promise<Session> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: os.availableParallelism(),
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Runs the session's single input to its single output. */
export async function runSession(session: Session, input: DenseTensor): Promise<DenseTensor> {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) };
  const results = await session.run(feeds);
  const output = results[session.outputNames[0]];
  const result = { data: output.data as Float32Array, dims: output.dims.slice() };
  for (const tensor of Object.values(results)) if (tensor !== output) tensor.dispose();
  return result;
}
