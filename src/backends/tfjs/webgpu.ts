// The webgpu engine, the part that runs anywhere: in Node (with the GPU object that
// webgpu-node.ts makes) and in a page (navigator.gpu). No Node built-ins here, so the
// playground can import it (docs/webgpu.md).
//
// tfjs-backend-webgpu registers itself at import with priority 3 (above wasm and cpu), on
// whatever adapter `requestAdapter` returns then. We replace that registration with one
// on the adapter we inspected and reported, so the adapter `unet engines` prints is the
// one that computes, and importing the package never changes the default backend.
import * as tf from '@tensorflow/tfjs';
import { registerWebGpuKernelFixes } from './kernels/webgpu/index.ts';

/** What an adapter says about itself (GPUAdapterInfo), and whether it is a CPU in disguise. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader, llvmpipe, WARP, ...): correct but no faster than a CPU engine. */
  software: boolean;
}

/** Software implementations of the GPU APIs, by the names their adapters report. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  device?: string;
  isFallbackAdapter?: boolean;
}

export function summarise(info: AdapterInfoLike, isFallbackAdapter = false): AdapterSummary {
  const [vendor, architecture, description] = [info.vendor ?? '', info.architecture ?? '', info.description ?? info.device ?? ''];
  // Dawn puts isFallbackAdapter on the info (newer WebGPU), Chrome once on the adapter.
  const software = isFallbackAdapter || info.isFallbackAdapter === true || SOFTWARE.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, description, software };
}

export function describeAdapter(a: AdapterSummary): string {
  const parts = [`vendor ${a.vendor || '?'}`, `architecture ${a.architecture || '?'}`, a.description && `"${a.description}"`];
  return `${parts.filter(Boolean).join(', ')}${a.software ? ' (software adapter, runs on the CPU)' : ''}`;
}

export interface WebGpuAdapter {
  adapter: GPUAdapter;
  summary: AdapterSummary;
}

/** The adapter tfjs would use (high performance unless WEBGPU_USE_LOW_POWER_GPU), or null. */
export async function requestAdapter(gpu: GPU): Promise<WebGpuAdapter | null> {
  await import('@tensorflow/tfjs-backend-webgpu'); // registers the WEBGPU_* flags read here
  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (adapter === null) return null;
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return { adapter, summary: summarise(adapter.info as AdapterInfoLike, legacy === true) };
}

/** The device tfjs-backend-webgpu asks for (its base.ts): the adapter's large limits, timestamps when offered. */
async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/**
 * Registers tfjs' 'webgpu' backend on this adapter (replacing the package's own
 * registration), with a priority below every other engine. `globalThis.navigator.gpu` must
 * be set: the backend's constructor checks it.
 */
export async function registerWebGpuBackend(chosen: WebGpuAdapter): Promise<void> {
  const { WebGPUBackend, webgpu_util } = await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGpuKernelFixes(webgpu_util as never);
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => new WebGPUBackend(await requestDevice(chosen.adapter), chosen.adapter.info), 0);
}
