// An .onnx file written by `unet export`, opened in the page: its metadata read by the CLI's
// own code (src/backends/onnx/decode.ts, metadata.ts: IR, normalisation, tile window), the
// graph run by onnxruntime-web through the CLI's Predictor (src/backends/onnx/predictor.ts).
// Execution provider: WebGPU on a hardware adapter, else wasm (CPU); the status line says which.
import * as ort from 'onnxruntime-web/webgpu';
import { decodeOnnx } from '../../src/backends/onnx/decode.ts';
import { onnxModelInfo } from '../../src/backends/onnx/metadata.ts';
import { onnxPredictor, runOnnx } from '../../src/backends/onnx/predictor.ts';
import { describeAdapter, summarise } from '../../src/backends/tfjs/webgpu.ts';
import type { OpenedModel } from './open-run.ts';
import { ORT_WASM } from './ort-files.ts';

// The .wasm lies beside network.js in the site (playground/build.ts): a relative URL, so the
// page works offline and from any static host or sub-path.
ort.env.wasm.wasmPaths = { wasm: new URL(ORT_WASM, import.meta.url).href };

/** A hardware WebGPU adapter's description, or why there is none (SwiftShader is passed over, as by the tfjs engine). */
async function webGpuAdapter(): Promise<{ adapter: string | null; why: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { adapter: null, why: 'no WebGPU in this browser' };
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (adapter === null) return { adapter: null, why: 'no WebGPU adapter' };
  const summary = summarise(adapter.info, (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
  if (summary.software) return { adapter: null, why: `software WebGPU adapter (${describeAdapter(summary)})` };
  return { adapter: describeAdapter(summary), why: '' };
}

const options = (provider: 'webgpu' | 'wasm'): ort.InferenceSession.SessionOptions => ({ executionProviders: [provider], graphOptimizationLevel: 'all' });

/** A session on WebGPU where the browser has a hardware adapter and the graph starts there, else on wasm; and which, for the page. */
async function createSession(bytes: Uint8Array): Promise<{ session: ort.InferenceSession; provider: string }> {
  const gpu = await webGpuAdapter();
  let why = gpu.why;
  if (gpu.adapter !== null) {
    try {
      return { session: await ort.InferenceSession.create(bytes, options('webgpu')), provider: `WebGPU, ${gpu.adapter}` };
    } catch (error) {
      why = `WebGPU failed: ${(error as Error).message}`;
    }
  }
  return { session: await ort.InferenceSession.create(bytes, options('wasm')), provider: `wasm (${why})` };
}

/** Opens an .onnx file of `unet export`; other files are refused naming the file. */
export async function openOnnxFile(file: File): Promise<OpenedModel> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { ir, normalizer, window } = onnxModelInfo(decodeOnnx(bytes, file.name), file.name);
  if (ir.dims !== 2) throw new Error(`${file.name}: ${ir.name} is a ${ir.dims}D network; the page segments 2D images only`);
  const { session, provider } = await createSession(bytes);
  const predictor = onnxPredictor((input) => runOnnx(session, input, (data, dims) => new ort.Tensor('float32', data, dims)), ir.input.channels);
  return { ir, normalizer, window, predictor, description: `${ir.name} (${file.name})`, engine: `onnxruntime-web ${ort.env.versions.web}, ${provider}` };
}
