// The tfjs engine of the page: WebGPU on a hardware adapter (with the project's kernel fixes,
// src/backends/tfjs/webgpu.ts), else WebGL, else the pure JavaScript cpu engine (with its
// fixes, src/backends/tfjs/kernels/fixes.ts). The wasm
// engine is left out: its .wasm files and the project's SIMD training kernels are read from
// disk by Node code today (docs/playground.md).
import * as tf from '@tensorflow/tfjs';
import { registerKernelFixes } from '../../src/backends/tfjs/kernels/fixes.ts';
import { describeAdapter, registerWebGpuBackend, requestAdapter } from '../../src/backends/tfjs/webgpu.ts';

export interface PageEngine {
  name: 'webgpu' | 'webgl' | 'cpu';
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

export const PAGE_ENGINES = ['webgpu', 'webgl', 'cpu'] as const;

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
  const adapter = await hardwareWebGpu(wanted === 'webgpu').catch(() => null);
  if (wanted === 'webgpu' && adapter === null) throw new Error('?engine=webgpu: this browser gives no WebGPU adapter');
  if (adapter !== null && (await tf.setBackend('webgpu'))) return { name: 'webgpu', detail: `WebGPU, ${adapter}` };
  // tfjs warns (not errors) when WebGL cannot start; the cpu engine always can.
  if (await tf.setBackend('webgl')) return { name: 'webgl', detail: 'WebGL (no hardware WebGPU adapter)' };
  await tf.setBackend('cpu');
  return { name: 'cpu', detail: 'cpu, pure JavaScript (no WebGPU or WebGL here): slow' };
}
