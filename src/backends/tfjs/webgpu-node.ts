// The Node-only half of the webgpu engine: Dawn's Node binding (npm `webgpu`) provides the
// `navigator.gpu` that browsers build in. Kept apart from webgpu.ts so that the engine
// code a page imports never reaches Node built-ins or a native binary.
//
// `webgpu` is an optional dependency: a platform without its prebuilt dawn.node, or a
// binary that fails to load, makes this engine unavailable with the reason, never the
// others (docs/webgpu.md).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A GPU object for tfjs, or why there is none. */
export type NodeGpu = { gpu: GPU } | { status: 'not installed' | 'failed to load'; detail: string };

const VULKAN_LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

/** Vulkan driver manifests (ICDs) the loader would find: Dawn's only backend on Linux. */
function vulkanDrivers(): string[] {
  const fromEnv = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (fromEnv) return fromEnv.split(':').filter((f) => f !== '');
  const dataDirs = (process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':');
  const dirs = ['/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan/icd.d')), join(homedir(), '.local/share/vulkan/icd.d')];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.json')) : []));
}

/**
 * Why Linux has no adapter, when the reason is a missing system piece. Checked before Dawn
 * starts: Dawn prints Vulkan warnings on stderr when it finds no driver, which every
 * `unet train` on a machine without a GPU would show (auto probes this engine).
 */
export function missingVulkan(): string | null {
  if (process.platform !== 'linux') return null;
  if (!VULKAN_LOADER_DIRS.some((d) => existsSync(join(d, 'libvulkan.so.1')))) {
    return 'no Vulkan loader (libvulkan.so.1): install libvulkan1 (Debian/Ubuntu) and a GPU driver with Vulkan support';
  }
  if (vulkanDrivers().length === 0) {
    return 'no Vulkan driver (no ICD file in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d, VK_ICD_FILENAMES unset): install your GPU\'s Vulkan driver';
  }
  return null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

let made: Promise<NodeGpu> | undefined;

/**
 * Loads Dawn once, installs its WebGPU globals (GPUBufferUsage, ...) and `navigator.gpu`
 * (tfjs-backend-webgpu reads both), and returns the GPU object.
 */
export function nodeGpu(): Promise<NodeGpu> {
  made ??= (async (): Promise<NodeGpu> => {
    let dawn: { create(flags: string[]): GPU; globals: object };
    try {
      dawn = await import('webgpu');
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes("'webgpu'")) {
        return { status: 'not installed', detail: 'the optional package webgpu (Dawn for Node) is not installed' };
      }
      return { status: 'failed to load', detail: `webgpu (Dawn for Node): ${errorText(error)}` };
    }
    const missing = missingVulkan();
    if (missing !== null) return { status: 'failed to load', detail: missing };
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    // Node 21+ has a read-only navigator without gpu: redefine it rather than assign.
    const navigator = { ...(globalThis as { navigator?: object }).navigator, gpu };
    Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
    return { gpu };
  })();
  return made;
}
