// Engine selection for the TensorFlow.js backend: which tfjs backend runs the tensors.
//
// All code uses the one `@tensorflow/tfjs` namespace. The optional engines plug into it:
// tfjs-node(-gpu) depend on @tensorflow/tfjs and, when npm deduplicates it (same
// version), register their 'tensorflow' backend into this very tfjs-core instance; the
// wasm package registers 'wasm' the same way. So selecting an engine is importing its
// package and calling tf.setBackend, and `tf` below is always the right namespace.
//
// tfjs-node and tfjs-node-gpu cannot be hard dependencies: their install script downloads
// libtensorflow from outside the npm registry (docs/facts.md#installs). They are only reached
// through dynamic import() with a computed specifier, so nothing requires them.
import * as tf from '@tensorflow/tfjs';
import { prepareWasmThreads, wantedWasmThreads } from './wasm-threads.ts';
import { describeAdapter, registerWebGpuBackend, requestAdapter } from './webgpu.ts';
import { nodeGpu } from './webgpu-node.ts';

// Production mode: no debug checks, and no "install tfjs-node" banner on every run
// (`unet engines` says which engines exist and how to get the faster ones).
tf.enableProdMode();

export { tf };

export type EngineName = 'gpu' | 'webgpu' | 'node' | 'wasm' | 'cpu';
export type EngineRequest = EngineName | 'auto';

export interface EngineStatus {
  name: EngineName;
  status: 'available' | 'not installed' | 'failed to load';
  /** The package and tfjs backend, or why the engine cannot be used. */
  detail: string;
  /** Why `auto` passes over this available engine (a software GPU adapter); absent when it may pick it. */
  notForAuto?: string;
}

export interface Engine {
  name: EngineName;
  /** The tfjs backend name (tf.getBackend()). */
  backend: string;
  detail: string;
  /** What progress lines call it: the name, with the thread count when wasm runs several. */
  label: string;
}

interface EngineSpec {
  name: EngineName;
  /** npm package providing the backend, null for the built-in cpu backend. */
  pkg: string | null;
  backend: string;
  /** Sets up what the package needs before it can register its backend (webgpu: a GPU adapter). */
  prepare?: () => Promise<Omit<EngineStatus, 'name'>>;
}

/**
 * In preference order: the fastest first (docs/facts.md#engines). webgpu comes after
 * tfjs-node-gpu (CUDA kernels, when someone installed them) and before the CPU engines;
 * auto takes it only on a hardware adapter.
 */
const ENGINES: EngineSpec[] = [
  { name: 'gpu', pkg: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow' },
  { name: 'webgpu', pkg: '@tensorflow/tfjs-backend-webgpu', backend: 'webgpu', prepare: () => (webgpuReady ??= prepareWebGpu()) },
  { name: 'node', pkg: '@tensorflow/tfjs-node', backend: 'tensorflow' },
  { name: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm', backend: 'wasm' },
  { name: 'cpu', pkg: null, backend: 'cpu' },
];

export const ENGINE_NAMES: EngineName[] = ENGINES.map((e) => e.name);

/**
 * The wasm backend lacks Conv2DBackpropFilter (docs/facts.md#engines), and tfjs-core has no gradient of
 * conv3dTranspose on any backend: src/backends/tfjs/kernels/ adds both, so it is registered
 * whichever engine is selected.
 */
async function registerTrainingKernels(): Promise<void> {
  // A plain dynamic import: the import check sees it, and the build rewrites it to .js.
  const { registerWasmTrainingKernels } = await import('./kernels/index.ts');
  registerWasmTrainingKernels();
}

let webgpuReady: Promise<Omit<EngineStatus, 'name'>> | undefined;

/** Dawn's GPU object and adapter, and tfjs' 'webgpu' backend registered on that adapter (once per process). */
async function prepareWebGpu(): Promise<Omit<EngineStatus, 'name'>> {
  const made = await nodeGpu();
  if (!('gpu' in made)) return made;
  const chosen = await requestAdapter(made.gpu);
  if (chosen === null) {
    return { status: 'failed to load', detail: 'Dawn found no WebGPU adapter (no GPU with a Vulkan/Metal/D3D12 driver; docs/webgpu.md)' };
  }
  await registerWebGpuBackend(chosen);
  const adapter = describeAdapter(chosen.summary);
  return {
    status: 'available',
    detail: `@tensorflow/tfjs-backend-webgpu on Dawn, tfjs backend 'webgpu', adapter: ${adapter}`,
    ...(chosen.summary.software && { notForAuto: 'a software adapter is no faster than the CPU engines; ask for it with --engine webgpu' }),
  };
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(name);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Imports an engine's package; throws an EngineStatus-shaped reason when it cannot. */
async function load(spec: EngineSpec): Promise<EngineStatus> {
  const where = spec.pkg ?? 'built into @tensorflow/tfjs';
  if (spec.pkg !== null) {
    try {
      await import(spec.pkg);
    } catch (error) {
      if (isModuleNotFound(error, spec.pkg)) {
        return { name: spec.name, status: 'not installed', detail: `${spec.pkg} is not installed` };
      }
      return { name: spec.name, status: 'failed to load', detail: `${spec.pkg}: ${errorText(error)}` };
    }
  }
  const prepared = spec.prepare && { name: spec.name, ...(await spec.prepare()) };
  if (prepared && prepared.status !== 'available') return prepared;
  if (tf.findBackendFactory(spec.backend) == null) {
    // A duplicated @tensorflow/tfjs (a version other than ours) got the backend instead.
    return {
      name: spec.name,
      status: 'failed to load',
      detail: `${where} did not register the '${spec.backend}' backend into @tensorflow/tfjs ${tf.version.tfjs} (a different @tensorflow/tfjs version installed beside it?)`,
    };
  }
  return prepared ?? { name: spec.name, status: 'available', detail: `${where}, tfjs backend '${spec.backend}'` };
}

/** Every engine with whether it can be used here and why not. */
export async function listEngines(): Promise<EngineStatus[]> {
  const out: EngineStatus[] = [];
  for (const spec of ENGINES) out.push(await load(spec));
  return out;
}

export interface EngineOptions {
  /** XNNPACK threads of the wasm engine (src/backends/tfjs/wasm-threads.ts); default wantedWasmThreads(). */
  wasmThreads?: number;
}

/** Threads of the wasm engine once it has started (1 before, or single-threaded). */
async function wasmThreadCount(): Promise<number> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as { getThreadsCount(): number };
  return wasm.getThreadsCount();
}

async function activate(spec: EngineSpec, options: EngineOptions, auto: boolean): Promise<Engine | EngineStatus> {
  const status = await load(spec);
  if (status.status !== 'available') return status;
  if (auto && status.notForAuto) return { ...status, status: 'failed to load', detail: `${status.detail}: ${status.notForAuto}` };
  // The wasm module starts once per process, on its first setBackend: threads are chosen then.
  const starting = spec.name === 'wasm' && tf.engine().registry[spec.backend] === undefined;
  const restore = starting ? prepareWasmThreads(options.wasmThreads ?? wantedWasmThreads()) : () => {};
  let ok: boolean;
  try {
    // setBackend resolves to false when the backend's initialisation fails (e.g. no CUDA).
    ok = await tf.setBackend(spec.backend);
  } finally {
    restore();
  }
  if (!ok) {
    const hint = starting ? ' (set UNET_WASM_THREADS=1 for the single-threaded build)' : '';
    return { name: spec.name, status: 'failed to load', detail: `tfjs backend '${spec.backend}' failed to initialise${hint}` };
  }
  await tf.ready();
  await registerTrainingKernels();
  const threads = spec.name === 'wasm' ? await wasmThreadCount() : 1;
  return {
    name: spec.name,
    backend: spec.backend,
    detail: threads > 1 ? `${status.detail}, ${threads} threads` : status.detail,
    label: threads > 1 ? `${spec.name} (${threads} threads)` : spec.name,
  };
}

/**
 * Makes an engine the active tfjs backend and returns the one actually used. 'auto'
 * takes the first available in the order gpu, webgpu (a hardware adapter only), node,
 * wasm, cpu. A named engine that
 * cannot be used is an error saying why.
 */
export async function selectEngine(request: EngineRequest = 'auto', options: EngineOptions = {}): Promise<Engine> {
  if (request !== 'auto' && !ENGINE_NAMES.includes(request)) {
    throw new Error(`unknown engine '${request}': expected auto, ${ENGINE_NAMES.join(', ')}`);
  }
  const candidates = request === 'auto' ? ENGINES : ENGINES.filter((e) => e.name === request);
  const reasons: string[] = [];
  for (const spec of candidates) {
    const result = await activate(spec, options, request === 'auto');
    if ('backend' in result) return result;
    reasons.push(`${result.name}: ${result.status} (${result.detail})`);
  }
  throw new Error(`engine '${request}' is not available: ${reasons.join('; ')}`);
}
