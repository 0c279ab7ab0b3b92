// Inference of an exported file in onnxruntime-node (CPU binaries shipped in the npm package).
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { runOnnx, type DenseTensor } from './predictor.ts';

export type { DenseTensor } from './predictor.ts';

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
export function runSession(session: Session, input: DenseTensor): Promise<DenseTensor> {
  return runOnnx(session, input, (data, dims) => new ort.Tensor('float32', data, dims));
}
