// Multi-threaded wasm in Node. tfjs-backend-wasm ships a threaded build (XNNPACK over a
// pthread pool of workers) but switches it off in Node (tfjs issue 3830): its loader hands
// Emscripten `blob:` URLs for the pthread worker script and for the module's own code,
// which Node's worker_threads cannot load. The Emscripten code itself runs in Node. So,
// around the backend's initialisation only:
//
// - both scripts are written to a temporary folder (removed at exit); URL.createObjectURL
//   answers the worker script's path, and the worker is told the module's path instead of
//   a blob when it loads;
// - the flag WASM_HAS_MULTITHREAD_SUPPORT is set, so tfjs picks the threaded binary;
// - tfjs sizes XNNPACK's pool as (logical cores / 2) clamped to 1..4 when the module starts
//   (assuming two hyper-threads per core), so os.cpus() reports twice the wanted count.
//
// Data-parallel replicas (worker threads of their own) stay single-threaded: one engine
// per core is their whole point.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { isMainThread, type Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
const PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** XNNPACK threads for the wasm engine: UNET_WASM_THREADS, else every core (at most 4, tfjs' cap). */
export function wantedWasmThreads(): number {
  const env = process.env.UNET_WASM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`UNET_WASM_THREADS must be a positive integer, found '${env}'`);
    return Math.min(n, 4);
  }
  return Math.min(os.availableParallelism(), 4);
}

/**
 * Prepares the threaded wasm build for `threads` XNNPACK threads; returns the function that
 * undoes the patches once tf.setBackend('wasm') has finished. A no-op (returning a no-op)
 * for one thread or off the main thread.
 */
export function prepareWasmThreads(threads: number): () => void {
  if (threads <= 1 || !isMainThread) return () => {};
  const factoryModule = require(`${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`) as { default?: unknown };
  const factory = (factoryModule.default ?? factoryModule) as { toString(): string };
  const { wasmWorkerContents } = require(`${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string };
  const wasm = require(PACKAGE) as { setThreadsCount(n: number): void };

  const dir = mkdtempSync(join(os.tmpdir(), 'unet-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const mainScript = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const workerScript = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  writeFileSync(mainScript, `var WasmBackendModuleThreadedSimd = ${factory.toString()}`);
  // tfjs escapes newlines the same way before making its blob (they sit inside string literals).
  const loadFromPath = `;(function(){var run=self.onmessage;self.onmessage=function(e){if(e.data&&e.data.cmd==="load"&&typeof e.data.urlOrBlob!=="string")e.data.urlOrBlob=${JSON.stringify(mainScript)};return run(e)}})();`;
  writeFileSync(workerScript, wasmWorkerContents.replace(/\n/g, '\\n') + '\n' + loadFromPath);

  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (blob: Blob) => (blob?.type === 'application/javascript' ? workerScript : createObjectURL(blob));
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]!);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return () => {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    unrefPthreadWorkers();
  };
}

/**
 * Emscripten's pthread workers are worker_threads that keep Node's event loop alive: a
 * command would finish its work and never exit. Unreferenced, they end with the process.
 */
function unrefPthreadWorkers(): void {
  const backend = tf.findBackend('wasm') as { wasm?: { PThread?: { unusedWorkers: Worker[]; runningWorkers: Worker[] } } } | null;
  const pthreads = backend?.wasm?.PThread;
  for (const worker of [...(pthreads?.unusedWorkers ?? []), ...(pthreads?.runningWorkers ?? [])]) worker.unref();
}
