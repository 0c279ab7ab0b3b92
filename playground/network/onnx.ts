// An .onnx file written by `unet export`, opened in the page: its metadata read by the CLI's
// own code (src/backends/onnx/decode.ts, metadata.ts: IR, normalisation, tile window), the
// graph run by onnxruntime-web through the CLI's Predictor (src/backends/onnx/predictor.ts).
// Execution provider: WebGPU on a hardware adapter, else wasm (CPU), or the one `?onnx=webgpu|wasm`
// asks for; the status line says which.
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

/** The execution providers the page offers; `?onnx=` picks one. */
export const PAGE_PROVIDERS = ['webgpu', 'wasm'] as const;
type Provider = (typeof PAGE_PROVIDERS)[number];

/**
 * A WebGPU adapter's description, or why it is not used: none here, or a software one
 * (SwiftShader, no faster than wasm) unless asked for, as the tfjs engine does (engine.ts).
 */
async function webGpuAdapter(takeSoftware: boolean): Promise<{ adapter: string | null; why: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { adapter: null, why: 'no WebGPU in this browser' };
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (adapter === null) return { adapter: null, why: 'no WebGPU adapter' };
  const summary = summarise(adapter.info, (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
  if (summary.software && !takeSoftware) return { adapter: null, why: `software WebGPU adapter (${describeAdapter(summary)})` };
  return { adapter: describeAdapter(summary), why: '' };
}

const options = (provider: Provider): ort.InferenceSession.SessionOptions => ({ executionProviders: [provider], graphOptimizationLevel: 'all' });

/**
 * A session on WebGPU where the browser has a hardware adapter and the graph starts there, else
 * on wasm; or on `wanted` (the page's `?onnx=`), which then must start. Says which, for the page.
 */
async function createSession(bytes: Uint8Array, wanted: string | null): Promise<{ session: ort.InferenceSession; provider: string }> {
  if (wanted !== null && !(PAGE_PROVIDERS as readonly string[]).includes(wanted)) throw new Error(`?onnx=${wanted}: the page runs .onnx files on ${PAGE_PROVIDERS.join(' or ')}`);
  if (wanted === 'wasm') return { session: await ort.InferenceSession.create(bytes, options('wasm')), provider: 'wasm (asked for by ?onnx=)' };
  const gpu = await webGpuAdapter(wanted === 'webgpu');
  if (wanted === 'webgpu' && gpu.adapter === null) throw new Error(`?onnx=webgpu: ${gpu.why}`);
  let why = gpu.why;
  if (gpu.adapter !== null) {
    try {
      return { session: await ort.InferenceSession.create(bytes, options('webgpu')), provider: `WebGPU, ${gpu.adapter}` };
    } catch (error) {
      if (wanted === 'webgpu') throw new Error(`?onnx=webgpu: onnxruntime-web's WebGPU provider failed: ${(error as Error).message}`);
      why = `WebGPU failed: ${(error as Error).message}`;
    }
  }
  return { session: await ort.InferenceSession.create(bytes, options('wasm')), provider: `wasm (${why})` };
}

/** Opens an .onnx file of `unet export` (on `provider` when given); other files are refused naming the file. */
export async function openOnnxFile(file: File, provider: string | null = null): Promise<OpenedModel> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { ir, normalizer, window } = onnxModelInfo(decodeOnnx(bytes, file.name), file.name);
  if (ir.dims !== 2) throw new Error(`${file.name}: ${ir.name} is a ${ir.dims}D network; the page segments 2D images only`);
  const { session, provider: ran } = await createSession(bytes, provider);
  const predictor = onnxPredictor((input) => runOnnx(session, input, (data, dims) => new ort.Tensor('float32', data, dims)), ir.input.channels);
  return { ir, normalizer, window, predictor, description: `${ir.name} (${file.name})`, engine: `onnxruntime-web ${ort.env.versions.web}, ${ran}` };
}
