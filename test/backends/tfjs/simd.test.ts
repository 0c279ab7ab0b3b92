import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, kernelNames } from '../../../src/backends/tfjs/kernels/simd/build.ts';

// The committed .wasm kernels are what their AssemblyScript sources compile to, so a change
// to a source cannot ship without its binary (npm run build:simd). Their numbers are checked
// against the cpu engine in kernels.test.ts.
describe('SIMD kernels (src/backends/tfjs/kernels/simd)', () => {
  it('has kernel sources', () => {
    expect(kernelNames()).toEqual(expect.arrayContaining(['batch-norm', 'filter-gradient', 'optimizer-step']));
  });

  it.each(kernelNames())('%s.wasm is the compiled source', async (name) => {
    const committed = readFileSync(new URL(`../../../src/backends/tfjs/kernels/simd/${name}.wasm`, import.meta.url));
    const built = await compileKernel(name);
    expect(Buffer.from(built).equals(committed)).toBe(true);
  });
});
