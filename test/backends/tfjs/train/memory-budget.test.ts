// unet train refuses, before allocating, a training whose memory estimate (unet check's)
// exceeds the machine's available memory or a wasm engine's 4 GiB address space.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertTrainingFits, memoryProblem, WASM_MEMORY_LIMIT } from '../../../../src/backends/tfjs/train/memory-budget.ts';
import { compileSource } from '../../../../src/language/compile.ts';
import { trainingMemory } from '../../../../src/language/shapes/summary.ts';
import { withInputSize } from '../../../../src/language/shapes/infer.ts';
import { runUnet } from '../../../helpers/cli.ts';

const spec = (crop: number) => `unet Wide {
  input   1 x 16 x 16
  output  2 classes softmax
  depth   1
  filters 4 doubling
  padding same
  train {
    crop  ${crop}
    batch 2
  }
}
`;

function irAt(size: number) {
  const model = compileSource(spec(size), 'wide.unet').model!;
  return withInputSize(model, [size, size]);
}

describe('memoryProblem', () => {
  const GiB = 2 ** 30;
  it('fits: no problem', () => {
    expect(memoryProblem({ ir: irAt(16), batch: 2, engine: 'wasm', workers: 1, available: GiB })).toBeNull();
  });

  it("names the estimate, the machine's memory and what to change", () => {
    const ir = irAt(1024);
    const estimate = trainingMemory(ir, 2)!;
    const problem = memoryProblem({ ir, batch: 2, engine: 'cpu', workers: 1, available: estimate - 1 });
    expect(problem).toContain(`Wide at batch 2 on 1024x1024 inputs needs about ${(estimate / GiB).toFixed(1)} GiB`);
    expect(problem).toContain('`unet check --batch 2 --input 1x1024x1024`');
    expect(problem).toMatch(/memory available: lower the batch \(--batch\), the training crop .* or the filters, or set UNET_MEMORY_CHECK=off/);
    expect(memoryProblem({ ir, batch: 2, engine: 'cpu', workers: 1, available: estimate })).toBeNull();
  });

  it('a wasm engine is refused past 4 GiB even on a big machine; replicas each hold their share', () => {
    // The smallest square crop whose batch-2 estimate passes 4 GiB.
    let size = 1024;
    while (trainingMemory(irAt(size), 2)! <= WASM_MEMORY_LIMIT) size += 256;
    const ir = irAt(size);
    const big = 1024 * GiB;
    expect(memoryProblem({ ir, batch: 2, engine: 'wasm', workers: 1, available: big })).toContain('more than the 4 GiB a wasm engine can address');
    expect(memoryProblem({ ir, batch: 2, engine: 'cpu', workers: 1, available: big })).toBeNull();
    expect(memoryProblem({ ir, batch: 2, engine: 'wasm', workers: 2, available: big })).toBeNull();
  });

  it('UNET_MEMORY_CHECK=off lets the training try anyway', () => {
    const request = { ir: irAt(1024), batch: 2, engine: 'cpu', workers: 1, available: 1 };
    expect(() => assertTrainingFits(request)).toThrow(/needs about/);
    process.env.UNET_MEMORY_CHECK = 'off';
    try {
      expect(() => assertTrainingFits(request)).not.toThrow();
    } finally {
      delete process.env.UNET_MEMORY_CHECK;
    }
  });
});

describe('unet train with a crop far past any memory', { timeout: 60_000 }, () => {
  it('exits 1 before allocating, with the estimate and what to change, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-memory-'));
    writeFileSync(join(dir, 'huge.unet'), spec(16384));
    const r = await runUnet(['train', 'huge.unet', '--data', 'builtin:ellipses:8', '--engine', 'wasm', '--out', 'run'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Wide at batch 2 on 16384x16384 inputs needs about \d+\.\d GiB to train .* lower the batch/);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});
