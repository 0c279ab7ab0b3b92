// The wasm engine with XNNPACK on several threads (src/backends/tfjs/wasm-threads.ts): it
// starts in Node, the command still exits by itself (the pthread workers are unreferenced),
// and training gives the same weights as single-threaded (threads split work, not sums).
// Single-threaded, our SIMD convolutions replace XNNPACK's: the direct one sums in XNNPACK's
// order, Winograd's does not (another algorithm), so Winograd is off for this comparison.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wantedWasmThreads } from '../../../src/backends/tfjs/wasm-threads.ts';
import { runUnet } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-threads-'));

function weights(run: string): Buffer {
  const model = join(run, 'model');
  return readFileSync(join(model, readdirSync(model).find((f) => f.endsWith('.bin'))!));
}

async function train(threads: number): Promise<{ run: string; stdout: string }> {
  const run = join(dir, `t${threads}`);
  const previous = process.env.UNET_WASM_THREADS;
  const winograd = process.env.UNET_WINOGRAD;
  process.env.UNET_WASM_THREADS = String(threads);
  process.env.UNET_WINOGRAD = '0';
  try {
    const r = await runUnet(['train', 'specs/ellipses.unet', '--data', 'builtin:ellipses:12', '--epochs', '1', '--batch', '4', '--engine', 'wasm', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    return { run, stdout: r.stdout };
  } finally {
    if (previous === undefined) delete process.env.UNET_WASM_THREADS;
    else process.env.UNET_WASM_THREADS = previous;
    if (winograd === undefined) delete process.env.UNET_WINOGRAD;
    else process.env.UNET_WINOGRAD = winograd;
  }
}

describe('wasm on several threads', () => {
  it('reads UNET_WASM_THREADS (capped at tfjs\' 4) and refuses nonsense', () => {
    const previous = process.env.UNET_WASM_THREADS;
    try {
      process.env.UNET_WASM_THREADS = '3';
      expect(wantedWasmThreads()).toBe(3);
      process.env.UNET_WASM_THREADS = '16';
      expect(wantedWasmThreads()).toBe(4);
      process.env.UNET_WASM_THREADS = 'many';
      expect(() => wantedWasmThreads()).toThrow(/UNET_WASM_THREADS must be a positive integer, found 'many'/);
    } finally {
      if (previous === undefined) delete process.env.UNET_WASM_THREADS;
      else process.env.UNET_WASM_THREADS = previous;
    }
  });

  it.skipIf(availableParallelism() < 2)('trains to the same weights as one thread, and the command exits', async () => {
    const one = await train(1);
    const two = await train(2);
    expect(one.stdout).toMatch(/^training Ellipses on wasm: /m);
    expect(two.stdout).toMatch(/^training Ellipses on wasm \(2 threads\): /m);
    expect(weights(two.run).equals(weights(one.run))).toBe(true);
  }, 120_000);
});
