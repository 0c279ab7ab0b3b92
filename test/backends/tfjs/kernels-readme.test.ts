// src/backends/tfjs/kernels/README.md is where a reader enters the kernels: it must name every
// kernel registered and every source file, so a new kernel cannot go in undocumented.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cpuResizeGradConfigs } from '../../../src/backends/tfjs/kernels/cpu/cpu-resize-grad.ts';
import { wasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';

const DIR = 'src/backends/tfjs/kernels';
const readme = readFileSync(`${DIR}/README.md`, 'utf8');

it('names every kernel that registerWasmTrainingKernels registers', () => {
  const names = [...wasmTrainingKernels, ...cpuResizeGradConfigs].map((k) => k.kernelName);
  expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
});

it('names every source file of the folder and of simd/', () => {
  const files = [
    ...readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts'),
    ...readdirSync(`${DIR}/simd`).filter((f) => f.endsWith('.as.ts')).map((f) => `simd/${f}`),
  ];
  expect(files.filter((f) => !readme.includes(f))).toEqual([]);
});
