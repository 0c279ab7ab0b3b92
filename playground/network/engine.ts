// The tfjs engine of the page, as issue 16 orders them: WebGPU on a hardware adapter (with the
// project's kernel fixes, src/backends/tfjs/webgpu.ts), else wasm with the project's training
// kernels (the engine `unet train` uses on CPUs: src/backends/tfjs/kernels/), else WebGL, else
// the pure JavaScript cpu engine (with its fixes, src/backends/tfjs/kernels/fixes.ts).
import * as tf from '@tensorflow/tfjs';
// Registers tfjs' 'wasm' backend (and its kernels, before ours replace some).
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerKernelFixes } from '../../src/backends/tfjs/kernels/fixes.ts';
import { registerWasmTrainingKernels } from '../../src/backends/tfjs/kernels/index.ts';
import { preloadSimdKernels } from '../../src/backends/tfjs/kernels/simd/module.ts';
import { describeAdapter, registerWebGpuBackend, requestAdapter } from '../../src/backends/tfjs/webgpu.ts';
import { simdSiteName } from './wasm-files.ts';

export interface PageEngine {
  name: 'webgpu' | 'wasm' | 'webgl' | 'cpu';
  /** Why this engine, for the page's status line. */
  detail: string;
}

/** A software WebGPU adapter (SwiftShader) is no faster than the CPU: passed over unless asked for, as `unet train --engine auto` does. */
async function hardwareWebGpu(software: boolean): Promise<string | null> {
  if (!('gpu' in navigator) || !navigator.gpu) return null;
  const chosen = await requestAdapter(navigator.gpu);
  if (chosen === null || (chosen.summary.software && !software)) return null;
  await registerWebGpuBackend(chosen);
  return describeAdapter(chosen.summary);
}

/** A file of the site, beside the page (relative URLs: any static host, any sub-path). */
async function siteBytes(name: string): Promise<ArrayBuffer> {
  const response = await fetch(new URL(name, document.baseURI));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * tfjs' wasm engine with the project's training kernels: tfjs' .wasm builds and our SIMD
 * kernels come from beside the page (wasm-files.ts); the kernels are instantiated first, as a
 * browser compiles larger modules only asynchronously. False when it cannot start.
 */
async function startWasm(): Promise<boolean> {
  setWasmPaths(new URL('./', document.baseURI).href);
  await preloadSimdKernels((file) => siteBytes(simdSiteName(file)));
  registerWasmTrainingKernels();
  return tf.setBackend('wasm');
}

export const PAGE_ENGINES = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;

/**
 * The best engine here, or `wanted` (the page's `?engine=` parameter) when it can start:
 * a software WebGPU adapter is then taken too.
 */
export async function pickEngine(wanted: string | null = null): Promise<PageEngine> {
  tf.enableProdMode();
  // The cpu engine's resize gradients and the conv3dTranspose gradient, as `unet train` has them.
  registerKernelFixes();
  if (wanted !== null && !(PAGE_ENGINES as readonly string[]).includes(wanted)) throw new Error(`?engine=${wanted}: the page runs ${PAGE_ENGINES.join(', ')}`);
  if (wanted === 'cpu' || wanted === 'webgl') {
    if (await tf.setBackend(wanted)) return { name: wanted, detail: `${wanted} (asked for by ?engine=)` };
    throw new Error(`?engine=${wanted}: ${wanted} cannot start in this browser`);
  }
  if (wanted === 'wasm') {
    if (await startWasm()) return { name: 'wasm', detail: 'wasm with the project\'s SIMD training kernels (asked for by ?engine=)' };
    throw new Error('?engine=wasm: WebAssembly cannot start in this browser');
  }
  const adapter = await hardwareWebGpu(wanted === 'webgpu').catch(() => null);
  if (wanted === 'webgpu' && adapter === null) throw new Error('?engine=webgpu: this browser gives no WebGPU adapter');
  if (adapter !== null && (await tf.setBackend('webgpu'))) return { name: 'webgpu', detail: `WebGPU, ${adapter}` };
  if (await startWasm().catch(() => false)) return { name: 'wasm', detail: 'wasm with the project\'s SIMD training kernels (no hardware WebGPU adapter)' };
  // tfjs warns (not errors) when WebGL cannot start; the cpu engine always can.
  if (await tf.setBackend('webgl')) return { name: 'webgl', detail: 'WebGL (no hardware WebGPU adapter, no WebAssembly)' };
  await tf.setBackend('cpu');
  return { name: 'cpu', detail: 'cpu, pure JavaScript (no WebGPU or WebGL here): slow' };
}
