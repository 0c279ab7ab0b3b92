import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src/backends/tfjs/kernels/index.ts';
import { relErr } from '../../helpers/numeric.ts';

type Pad = tf.Conv2DAttrs['pad'];
interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: Pad;
  dilation?: number;
  dimRoundingMode?: 'floor' | 'ceil' | 'round';
}

// The shapes a U-Net uses, plus odd sizes and explicit padding to reach every branch.
const cases: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 1 valid', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: '3x3 dilation 2 same', x: [2, 11, 10, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', dilation: 2 },
  { name: '3x3 dilation 2 valid', x: [2, 11, 10, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid', dilation: 2 },
  { name: '1x1', x: [2, 7, 6, 5], filter: [1, 1, 5, 3], strides: 1, pad: 'same' },
  { name: '2x2 stride 2 valid', x: [2, 8, 10, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: '2x2 stride 2 valid, odd size', x: [2, 9, 7, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: '2x2 stride 2 same, odd size', x: [2, 9, 7, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 same', x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 same, odd size', x: [2, 9, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 valid, odd size', x: [2, 9, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { name: '1x1 stride 2 (phases without taps)', x: [2, 7, 8, 3], filter: [1, 1, 3, 4], strides: 2, pad: 'valid' },
  { name: '3x3 stride 2 pad 1, floor', x: [1, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { name: '3x3 stride 2 pad 1, ceil', x: [1, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
  { name: '4x4 stride 2 pad 1', x: [1, 8, 8, 2], filter: [4, 4, 2, 3], strides: 2, pad: 1 },
  { name: '3x3 explicit asymmetric pad', x: [1, 7, 6, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
  // Our SIMD kernel's blocks: 4 x 8 channels, 4 x 4, then single input channels (ci 6, co 12).
  { name: '3x3 same, every SIMD block', x: [2, 9, 8, 6], filter: [3, 3, 6, 12], strides: 1, pad: 'same' },
  { name: '3x3 stride 2 valid, every SIMD block', x: [2, 9, 7, 5], filter: [3, 3, 5, 12], strides: 2, pad: 'valid' },
  // 12 input channels: the input gradient (stride 1) runs our SIMD conv, 8 + 4 output channels, pixels in 4s and 1s.
  { name: '3x3 same, 12 input channels', x: [2, 9, 7, 12], filter: [3, 3, 12, 5], strides: 1, pad: 'same' },
  { name: '3x3 valid, 12 input channels', x: [2, 9, 7, 12], filter: [3, 3, 12, 5], strides: 1, pad: 'valid' },
  // 3x3 stride 1 with channels in fours: forward and input gradient by Winograd F(2x2, 3x3),
  // odd output sizes (the last tile row and column cut).
  { name: '3x3 same, 16 -> 36 channels, odd sizes (Winograd)', x: [2, 9, 7, 16], filter: [3, 3, 16, 36], strides: 1, pad: 'same' },
  { name: '3x3 valid, 36 -> 16 channels (Winograd for the input gradient)', x: [2, 10, 9, 36], filter: [3, 3, 36, 16], strides: 1, pad: 'valid' },
  { name: '3x3 same, 32 -> 68 channels, odd sizes (Winograd dW)', x: [1, 7, 9, 32], filter: [3, 3, 32, 68], strides: 1, pad: 'same' },
  { name: '3x3 explicit asymmetric pad, 64 -> 32 (Winograd dW)', x: [1, 7, 6, 64], filter: [3, 3, 64, 32], strides: 1, pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
  // Stride 2 with 8 input channels: the input gradient's phases run our SIMD conv.
  { name: '3x3 stride 2 same, 8 input channels', x: [2, 9, 8, 8], filter: [3, 3, 8, 4], strides: 2, pad: 'same' },
  // Rows of 32 KB: the SIMD kernel takes the 40 rows in three chunks (16, 16, 8).
  { name: '3x3 same, rows in several chunks', x: [1, 40, 1024, 4], filter: [3, 3, 4, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 3 explicit pad', x: [1, 10, 9, 2], filter: [3, 3, 2, 3], strides: 3, pad: [[0, 0], [2, 1], [0, 0], [0, 0]] },
];

/** Deterministic uniform(-1, 1) values (mulberry32), so both backends see the same inputs. */
function seeded(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function outShape(c: Case): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilation ?? 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}

/** Runs one kernel on the current backend from plain arrays and returns its values. */
function runKernel(
  name: string,
  inputs: Record<string, [number[], Float32Array]>,
  attrs: Record<string, unknown>,
): { values: Float32Array; shape: number[] } {
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [shape, data]]) => [k, tf.tensor(data, shape)]));
  const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

/**
 * The cpu backend's kernels take no dilation: a filter of size k dilated by d equals an
 * undilated filter of size (k-1)*d+1 that is zero off the grid, so the reference dW is the
 * undilated one on the big filter, sampled every d taps.
 */
function cpuFilterGrad(c: Case, x: Float32Array, dy: Float32Array): Float32Array {
  const d = c.dilation ?? 1;
  const [kh, kw, ci, co] = c.filter;
  const big = [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co];
  const full = runKernel('Conv2DBackpropFilter', { x: [c.x, x], dy: [outShape(c), dy] }, {
    strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: big, dimRoundingMode: c.dimRoundingMode,
  });
  return tf.tidy(() => {
    const sampled = tf.tensor(full.values, big).stridedSlice([0, 0, 0, 0], big, [d, d, 1, 1]);
    return sampled.dataSync() as Float32Array;
  });
}

function filterGradAttrs(c: Case) {
  return {
    strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, dilations: c.dilation ?? 1,
    dimRoundingMode: c.dimRoundingMode,
  };
}

function inputGradAttrs(c: Case) {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x, dimRoundingMode: c.dimRoundingMode };
}

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await tf.setBackend(name);
  return f();
}

beforeAll(async () => {
  // Registered before the wasm backend starts (the replaced kernels' setup must still run,
  // wasm's Sum calls its Transpose), then again after: a second call must be harmless.
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(cases)('matches cpu: $name', async (c) => {
    const x = seeded(size(c.x), 1);
    const dy = seeded(size(outShape(c)), 2);
    const expected = await onBackend('cpu', () => cpuFilterGrad(c, x, dy));
    const actual = await onBackend('wasm', () =>
      runKernel('Conv2DBackpropFilter', { x: [c.x, x], dy: [outShape(c), dy] }, filterGradAttrs(c)));
    expect(actual.shape).toEqual(c.filter);
    expect(relErr(actual.values, expected)).toBeLessThan(1e-4);
  });
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(cases.filter((c) => c.dilation === undefined))('matches cpu: $name', async (c) => {
    const dy = seeded(size(outShape(c)), 3);
    const w = seeded(size(c.filter), 4);
    const inputs = { dy: [outShape(c), dy] as [number[], Float32Array], filter: [c.filter, w] as [number[], Float32Array] };
    const expected = await onBackend('cpu', () => runKernel('Conv2DBackpropInput', inputs, inputGradAttrs(c)));
    const actual = await onBackend('wasm', () => runKernel('Conv2DBackpropInput', inputs, inputGradAttrs(c)));
    expect(actual.shape).toEqual(c.x);
    expect(relErr(actual.values, expected.values)).toBeLessThan(1e-4);
  });
});

describe('Conv2D and FusedConv2D on wasm (our SIMD conv, or XNNPACK where it does not apply)', () => {
  type Fused = { bias?: boolean; activation?: tf.fused.Activation };
  const variants: [string, Fused][] = [
    ['plain', {}],
    ['bias + ReLU (fused in the SIMD kernel)', { bias: true, activation: 'relu' }],
    ['bias + ELU (XNNPACK)', { bias: true, activation: 'elu' }],
  ];
  const forward = (c: Case, v: Fused, x: Float32Array, w: Float32Array, b: Float32Array) => tf.tidy(() => {
    const y = tf.fused.conv2d({
      x: tf.tensor4d(x, c.x), filter: tf.tensor4d(w, c.filter), strides: c.strides, pad: c.pad,
      dilations: c.dilation ?? 1, dimRoundingMode: c.dimRoundingMode,
      bias: v.bias ? tf.tensor1d(b) : undefined, activation: v.activation ?? 'linear',
    });
    return { values: y.dataSync() as Float32Array, shape: y.shape };
  });
  // 'ceil' rounding: wasm's own XNNPACK conv (which ours hands it to) disagrees with cpu on the
  // extra output row (1.5 of the range); tfjs-layers never asks for it.
  const forwardCases = cases.filter((c) => c.dimRoundingMode !== 'ceil');
  for (const [label, v] of variants) {
    it.each(forwardCases)(`${label}: matches cpu: $name`, async (c) => {
      const x = seeded(size(c.x), 5);
      const w = seeded(size(c.filter), 6);
      const b = seeded(c.filter[3], 7);
      const expected = await onBackend('cpu', () => forward(c, v, x, w, b));
      const actual = await onBackend('wasm', () => forward(c, v, x, w, b));
      expect(actual.shape).toEqual(expected.shape);
      expect(relErr(actual.values, expected.values)).toBeLessThan(1e-4);
    });
  }
});

describe('NCHW, computed in NHWC on wasm', () => {
  const nchw = (shape: number[]) => [shape[0], shape[3], shape[1], shape[2]];
  const toNchw = (c: Case): Pad => (Array.isArray(c.pad) ? [c.pad[0], c.pad[3], c.pad[1], c.pad[2]] : c.pad);
  it.each(cases.filter((c) => c.dilation === undefined))('matches cpu: $name', async (c) => {
    const [xShape, dyShape] = [nchw(c.x), nchw(outShape(c))];
    const inputs = {
      x: [xShape, seeded(size(xShape), 26)] as [number[], Float32Array],
      dy: [dyShape, seeded(size(dyShape), 27)] as [number[], Float32Array],
      filter: [c.filter, seeded(size(c.filter), 28)] as [number[], Float32Array],
    };
    const attrs = { strides: c.strides, pad: toNchw(c), dataFormat: 'NCHW', dimRoundingMode: c.dimRoundingMode };
    const both = () => [
      runKernel('Conv2DBackpropFilter', { x: inputs.x, dy: inputs.dy }, { ...attrs, filterShape: c.filter }),
      runKernel('Conv2DBackpropInput', { dy: inputs.dy, filter: inputs.filter }, { ...attrs, inputShape: xShape }),
    ];
    const expected = await onBackend('cpu', both);
    const actual = await onBackend('wasm', both);
    expect(actual.map((r) => r.shape)).toEqual([c.filter, xShape]);
    expect(actual.map((r, i) => relErr(r.values, expected[i].values) < 1e-4)).toEqual([true, true]);
  });
});

interface Case3d {
  name: string;
  x: [number, number, number, number, number];
  filter: [number, number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}

// Measured before replacing them: wasm's own Conv3DBackpropInputV2 fails '3x3x3 stride 1 same'
// and the stride-2 cases, its Conv3DBackpropFilterV2 the stride-2 ones.
const cases3d: Case3d[] = [
  { name: '3x3x3 stride 1 same', x: [2, 5, 6, 4, 3], filter: [3, 3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3x3 stride 1 valid', x: [2, 5, 6, 4, 3], filter: [3, 3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: '1x1x1', x: [1, 3, 4, 5, 3], filter: [1, 1, 1, 3, 2], strides: 1, pad: 'same' },
  { name: '2x2x2 stride 2 valid', x: [2, 4, 6, 4, 3], filter: [2, 2, 2, 3, 4], strides: 2, pad: 'valid' },
  { name: '2x2x2 stride 2 valid, odd size', x: [1, 5, 4, 7, 2], filter: [2, 2, 2, 2, 3], strides: 2, pad: 'valid' },
  { name: '1x1x1 stride 2', x: [1, 5, 4, 3, 2], filter: [1, 1, 1, 2, 3], strides: 2, pad: 'valid' },
  { name: '3x3x3 stride 2 same, odd size', x: [1, 5, 6, 7, 2], filter: [3, 3, 3, 2, 3], strides: 2, pad: 'same' },
];

function outShape3d(c: Case3d): number[] {
  return tf.backend_util.computeConv3DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}


describe('Conv3DBackpropFilterV2 and Conv3DBackpropInputV2 on wasm', () => {
  it.each(cases3d)('match cpu: $name', async (c) => {
    const inputs = {
      x: [c.x, seeded(size(c.x), 18)] as [number[], Float32Array],
      dy: [outShape3d(c), seeded(size(outShape3d(c)), 19)] as [number[], Float32Array],
      filter: [c.filter, seeded(size(c.filter), 20)] as [number[], Float32Array],
    };
    const both = () => [
      runKernel('Conv3DBackpropFilterV2', { x: inputs.x, dy: inputs.dy }, { strides: c.strides, pad: c.pad, filterShape: c.filter }),
      runKernel('Conv3DBackpropInputV2', { dy: inputs.dy, filter: inputs.filter }, { strides: c.strides, pad: c.pad, inputShape: c.x }),
    ];
    const expected = await onBackend('cpu', both);
    const actual = await onBackend('wasm', both);
    expect(actual.map((r) => r.shape)).toEqual([c.filter, c.x]);
    expect(actual.map((r, i) => relErr(r.values, expected[i].values) < 1e-4)).toEqual([true, true]);
  });
});

describe('Conv3D on wasm', () => {
  const dilated: (Case3d & { dilation: number })[] = [
    { name: '3x3x3 dilation 2 same', x: [1, 6, 5, 7, 2], filter: [3, 3, 3, 2, 3], strides: 1, pad: 'same', dilation: 2 },
  ];
  it.each([...cases3d.map((c) => ({ ...c, dilation: 1 })), ...dilated])('matches cpu: $name', async (c) => {
    const inputs = { x: [c.x, seeded(size(c.x), 29)], filter: [c.filter, seeded(size(c.filter), 30)] } as
      Record<string, [number[], Float32Array]>;
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilation, dataFormat: 'NDHWC' };
    const expected = await onBackend('cpu', () => runKernel('Conv3D', inputs, attrs));
    const actual = await onBackend('wasm', () => runKernel('Conv3D', inputs, attrs));
    expect(actual.shape).toEqual(expected.shape);
    expect(relErr(actual.values, expected.values)).toBeLessThan(1e-4);
  });
});

describe('MaxPoolGrad on wasm (ours: wasm\'s own loses gradients with several channels)', () => {
  const pools = [
    { name: '2x2 stride 2 valid, 16 channels', x: [2, 8, 10, 16], filterSize: 2, strides: 2, pad: 'valid' },
    { name: '2x2 stride 2 valid, odd sizes, 8 channels', x: [1, 9, 7, 8], filterSize: 2, strides: 2, pad: 'valid' },
    { name: '3x3 stride 2 same (overlapping windows, padding), 8 channels', x: [2, 9, 7, 8], filterSize: 3, strides: 2, pad: 'same' },
    { name: '3x3 stride 1 same, 4 channels', x: [1, 6, 5, 4], filterSize: 3, strides: 1, pad: 'same' },
    { name: '2x2 stride 2 valid, 5 channels (4 in SIMD, 1 alone)', x: [1, 8, 8, 5], filterSize: 2, strides: 2, pad: 'valid' },
    { name: '1x4x4x4, where wasm\'s own drops a gradient', x: [1, 4, 4, 4], filterSize: 2, strides: 2, pad: 'valid' },
  ];
  // Values rounded to a few levels, so windows hold ties: the first maximum must win, as on cpu.
  for (const [label, levels] of [['distinct values', 0], ['ties', 2]] as const)
    it.each(pools)(`${label}: matches cpu: $name`, async (c) => {
      const values = seeded(size(c.x), 43).map((v) => (levels ? Math.round(v * levels) : v));
      const x: [number[], Float32Array] = [c.x, values];
      const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
      const pooled = await onBackend('cpu', () => runKernel('MaxPool', { x }, attrs));
      const inputs = { dy: [pooled.shape, seeded(size(pooled.shape), 44)] as [number[], Float32Array], input: x, output: [pooled.shape, pooled.values] as [number[], Float32Array] };
      const expected = await onBackend('cpu', () => runKernel('MaxPoolGrad', inputs, attrs));
      const actual = await onBackend('wasm', () => runKernel('MaxPoolGrad', inputs, attrs));
      expect(actual.shape).toEqual(c.x);
      expect(relErr(actual.values, expected.values)).toBeLessThan(1e-6);
    });
});

describe('MaxPool3D and MaxPool3DGrad on wasm (its own are wrong with several channels)', () => {
  const pools = [
    { name: '2x2x2 stride 2 valid, 16 channels', x: [2, 8, 10, 6, 16], filterSize: 2, strides: 2, pad: 'valid' },
    { name: '3x3x3 stride 2 same, 5 channels, odd sizes', x: [1, 7, 5, 9, 5], filterSize: 3, strides: 2, pad: 'same' },
    { name: '2x2x2 stride 1 valid', x: [1, 4, 4, 4, 3], filterSize: 2, strides: 1, pad: 'valid' },
  ];
  it.each(pools)('match cpu: $name', async (c) => {
    const x: [number[], Float32Array] = [c.x, seeded(size(c.x), 41)];
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dataFormat: 'NDHWC' };
    const forward = () => runKernel('MaxPool3D', { x }, attrs);
    const pooled = await onBackend('cpu', forward);
    const dy: [number[], Float32Array] = [pooled.shape, seeded(size(pooled.shape), 42)];
    const both = () => [forward(), runKernel('MaxPool3DGrad', { dy, input: x }, attrs)];
    const expected = await onBackend('cpu', both);
    const actual = await onBackend('wasm', both);
    expect(actual.map((r) => r.shape)).toEqual(expected.map((r) => r.shape));
    expect(actual.map((r, i) => relErr(r.values, expected[i].values) < 1e-6)).toEqual([true, true]);
  });
});

describe('Tile on wasm', () => {
  const tiles: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { shape: [1, 1, 1, 5], reps: [2, 3, 4, 1], dtype: 'float32' }, // tfjs' batch-norm gradient
    { shape: [2, 3, 4, 1], reps: [1, 1, 1, 5], dtype: 'float32' },
    { shape: [2, 3], reps: [3, 2], dtype: 'int32' },
    { shape: [7], reps: [3], dtype: 'bool' },
    { shape: [2, 1, 3, 2, 2], reps: [2, 3, 1, 2, 3], dtype: 'float32' },
    { shape: [], reps: [], dtype: 'float32' },
  ];
  it.each(tiles)('matches cpu: $shape by $reps ($dtype)', async ({ shape, reps, dtype }) => {
    const data = seeded(size(shape), 14).map((v) => (dtype === 'float32' ? v : v > 0 ? 1 : 0));
    const run = () => tf.tidy(() => Array.from(tf.tile(tf.tensor(data, shape, dtype), reps).dataSync()));
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });
});

describe('Slice and SplitV on wasm', () => {
  const slices: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' | 'string' }[] = [
    { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 2, 3], size: [2, 2, 4, 3, 3], dtype: 'float32' },
    { shape: [2, 3, 4, 5, 6], begin: [1, 0, 0, 0, 0], size: [1, 3, 4, 5, 6], dtype: 'float32' },
    { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 0, 0], size: [2, 1, 4, 5, 6], dtype: 'int32' },
    { shape: [3, 70], begin: [1, 2], size: [2, 66], dtype: 'float32' },
    { shape: [4, 5], begin: [1, 0], size: [-1, 3], dtype: 'bool' },
    { shape: [6], begin: [2], size: [3], dtype: 'string' },
    { shape: [2, 3], begin: [0, 1], size: [2, 0], dtype: 'float32' },
  ];
  const values = (shape: number[], dtype: string) => {
    const v = seeded(size(shape), 33);
    if (dtype === 'string') return Array.from(v, (e) => e.toFixed(2));
    return dtype === 'float32' ? v : Int32Array.from(v, (e) => (e > 0 ? 1 : 0));
  };
  it.each(slices)('Slice matches cpu: $shape from $begin size $size ($dtype)', async ({ shape, begin, size: sz, dtype }) => {
    const run = () => tf.tidy(() => Array.from(tf.slice(tf.tensor(values(shape, dtype), shape, dtype), begin, sz).dataSync()));
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });
  it.each([
    { shape: [1, 4, 4, 4, 16], splits: [8, 8], axis: -1 }, // gradient of a 3D skip concat
    { shape: [2, 6, 5, 3], splits: [1, 3, 2], axis: 1 },
    { shape: [4, 6], splits: [2, -1], axis: 1 },
    { shape: [2, 5, 7, 13], splits: [5, 8], axis: 3 }, // channel runs of 5 and 8: v128 moves and a scalar tail
    { shape: [3, 3, 9], splits: [1, 0, 2], axis: 1 }, // an empty part
  ])('SplitV matches cpu: $shape into $splits on axis $axis', async ({ shape, splits, axis }) => {
    const run = () => tf.tidy(() => tf.split(tf.tensor(seeded(size(shape), 34), shape), splits, axis).map((t) => Array.from(t.dataSync())));
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });
  it.each([
    { shapes: [[2, 8, 8, 16], [2, 8, 8, 16]], axis: 3, dtype: 'float32' }, // a U-Net skip
    { shapes: [[2, 5, 7, 5], [2, 5, 7, 8], [2, 5, 7, 1]], axis: -1, dtype: 'float32' },
    { shapes: [[1, 3, 4], [2, 3, 4]], axis: 0, dtype: 'float32' },
    { shapes: [[2, 3, 4], [2, 0, 4], [2, 5, 4]], axis: 1, dtype: 'float32' }, // an empty input
    { shapes: [[2, 3], [2, 4]], axis: 1, dtype: 'int32' }, // wasm's own
  ] as const)('Concat matches cpu: $shapes on axis $axis ($dtype)', async ({ shapes, axis, dtype }) => {
    const run = () => tf.tidy(() => {
      const parts = shapes.map((s, i) => tf.tensor(values([...s], dtype).slice(0, size([...s])), [...s], dtype));
      const out = tf.concat(parts, axis);
      return { shape: out.shape, values: Array.from(out.dataSync()) };
    });
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });
});

describe('Transpose on wasm', () => {
  it.each([
    { shape: [2, 2, 4, 6, 5, 3], perm: [2, 3, 0, 4, 1, 5], dtype: 'float32' }, // interleaving stride-2 phases
    { shape: [2, 3, 4, 2, 2, 2, 5, 3], perm: [0, 1, 4, 2, 5, 3, 6, 7], dtype: 'float32' }, // 3D blocks
    { shape: [3, 1, 4, 2], perm: [2, 1, 0, 3], dtype: 'int32' },
    { shape: [2, 3, 4], perm: [1, 0, 2], dtype: 'bool' },
    { shape: [2, 3, 4, 5], perm: [3, 1, 2, 0], dtype: 'float32' }, // innermost axis moves: wasm's own kernel
    { shape: [1, 1, 3], perm: [1, 0, 2], dtype: 'float32' },
  ] as const)('matches cpu: $shape by $perm ($dtype)', async ({ shape, perm, dtype }) => {
    const data = seeded(size([...shape]), 35).map((v) => (dtype === 'float32' ? v : v > 0 ? 1 : 0));
    const run = () => tf.tidy(() => {
      const t = tf.transpose(tf.tensor(data, [...shape], dtype), [...perm]);
      return { shape: t.shape, values: Array.from(t.dataSync()) };
    });
    const expected = await onBackend('cpu', run);
    expect(await onBackend('wasm', run)).toEqual(expected);
  });
});

describe('Identity on wasm shares its input\'s data', () => {
  it('gives the same values, survives the original, and frees the data with the last reference', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const before = backend.numDataIds();
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const b = tf.clone(a);
    expect(backend.numDataIds(), 'no copy was made').toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(backend.numDataIds()).toBe(before);
    // A variable's assign swaps its data: a clone taken before keeps the old values.
    const v = tf.tidy(() => tf.variable(tf.tensor([5, 6])));
    const c = tf.clone(v);
    tf.tidy(() => v.assign(tf.tensor([7, 8])));
    expect(Array.from(c.dataSync())).toEqual([5, 6]);
    expect(Array.from(v.dataSync())).toEqual([7, 8]);
    tf.dispose([c, v]);
  });
});

describe('the kernels leak nothing', () => {
  it('keeps tensor and wasm buffer counts', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const before = [tf.memory().numTensors, backend.numDataIds()];
    for (const c of cases) {
      runKernel('Conv2DBackpropFilter', {
        x: [c.x, seeded(size(c.x), 5)],
        dy: [outShape(c), seeded(size(outShape(c)), 6)],
      }, filterGradAttrs(c));
      if (c.dilation === undefined) {
        runKernel('Conv2DBackpropInput', {
          dy: [outShape(c), seeded(size(outShape(c)), 7)],
          filter: [c.filter, seeded(size(c.filter), 8)],
        }, inputGradAttrs(c));
      }
      if (c.dimRoundingMode !== 'ceil') {
        // Our Conv2D and FusedConv2D (direct, Winograd, or handed to XNNPACK), with bias and ReLU.
        const convInputs = { x: [c.x, seeded(size(c.x), 9)] as [number[], Float32Array], filter: [c.filter, seeded(size(c.filter), 10)] as [number[], Float32Array] };
        const convAttrs = { strides: c.strides, pad: c.pad, dilations: c.dilation ?? 1, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode };
        runKernel('Conv2D', convInputs, convAttrs);
        runKernel('FusedConv2D', { ...convInputs, bias: [[c.filter[3]], seeded(c.filter[3], 11)] }, { ...convAttrs, activation: 'relu' });
      }
    }
    // MaxPoolGrad, Concat, SplitV, Identity.
    const x: [number[], Float32Array] = [[2, 8, 6, 12], seeded(2 * 8 * 6 * 12, 12)];
    runKernel('MaxPoolGrad', { dy: [[2, 4, 3, 12], seeded(2 * 4 * 3 * 12, 13)], input: x, output: [[2, 4, 3, 12], seeded(2 * 4 * 3 * 12, 14)] }, { filterSize: 2, strides: 2, pad: 'valid' });
    tf.tidy(() => {
      const t = tf.tensor(x[1], x[0]);
      tf.split(tf.concat([t, tf.clone(t)], 3), [5, 19], 3);
    });
    for (const c of cases3d) {
      runKernel('Conv3D', {
        x: [c.x, seeded(size(c.x), 31)],
        filter: [c.filter, seeded(size(c.filter), 32)],
      }, { strides: c.strides, pad: c.pad, dilations: 1, dataFormat: 'NDHWC' });
      runKernel('Conv3DBackpropFilterV2', {
        x: [c.x, seeded(size(c.x), 21)],
        dy: [outShape3d(c), seeded(size(outShape3d(c)), 22)],
      }, { strides: c.strides, pad: c.pad, filterShape: c.filter });
      runKernel('Conv3DBackpropInputV2', {
        dy: [outShape3d(c), seeded(size(outShape3d(c)), 23)],
        filter: [c.filter, seeded(size(c.filter), 24)],
      }, { strides: c.strides, pad: c.pad, inputShape: c.x });
    }
    expect([tf.memory().numTensors, backend.numDataIds()]).toEqual(before);
  });
});

describe('gradients through tf.grads match cpu', () => {
  const x = seeded(2 * 8 * 8 * 3, 9);
  const w1 = seeded(3 * 3 * 3 * 4, 10);
  const w2 = seeded(2 * 2 * 4 * 4, 11);
  const w3 = seeded(2 * 2 * 5 * 4, 12);
  // conv 3x3 -> strided 2x2 down-conv -> 2x2 stride-2 transposed up-conv: every kernel, both roles.
  const grads = () => tf.tidy(() => {
    const params = [tf.tensor4d(x, [2, 8, 8, 3]), tf.tensor4d(w1, [3, 3, 3, 4]), tf.tensor4d(w2, [2, 2, 4, 4]), tf.tensor4d(w3, [2, 2, 5, 4])];
    const loss = (xi: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(xi as tf.Tensor4D, a as tf.Tensor4D, 1, 'same'));
      const down = tf.conv2d(h, b as tf.Tensor4D, 2, 'valid');
      const up = tf.conv2dTranspose(down, c as tf.Tensor4D, [2, 8, 8, 5], 2, 'valid');
      return tf.sum(tf.square(tf.sin(up)));
    };
    return tf.grads(loss)(params).map((g) => g.dataSync() as Float32Array);
  });

  it('for conv2d and conv2dTranspose', async () => {
    const expected = await onBackend('cpu', grads);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = grads();
    expect(tf.memory().numTensors).toBe(before);
    actual.forEach((g, i) => expect(relErr(g, expected[i])).toBeLessThan(1e-4));
  });
});

describe('gradient of conv3dTranspose (missing in tfjs-core)', () => {
  it.each(['cpu', 'wasm'] as const)('matches finite differences on %s, for input and filter', async (backend) => {
    await tf.setBackend(backend);
    const y = seeded(1 * 2 * 2 * 3 * 3, 15);
    const w = seeded(2 * 2 * 2 * 2 * 3, 16);
    const g = seeded(1 * 4 * 4 * 6 * 2, 17);
    // L is linear in y and in w, so one unit step gives the exact derivative (up to rounding).
    const loss = (yv: Float32Array, wv: Float32Array) => tf.tidy(() => tf.sum(tf.mul(
      tf.tensor5d(g, [1, 4, 4, 6, 2]),
      tf.conv3dTranspose(tf.tensor5d(yv, [1, 2, 2, 3, 3]), tf.tensor5d(wv, [2, 2, 2, 2, 3]), [1, 4, 4, 6, 2], 2, 'valid'),
    )).dataSync()[0]);
    const stepped = (v: Float32Array, i: number) => v.map((e, j) => (j === i ? e + 1 : e));
    const base = loss(y, w);
    const numericY = Float32Array.from(y, (_, i) => loss(stepped(y, i), w) - base);
    const numericW = Float32Array.from(w, (_, i) => loss(y, stepped(w, i)) - base);
    const [gy, gw] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(
      tf.tensor5d(g, [1, 4, 4, 6, 2]),
      tf.conv3dTranspose(a as tf.Tensor5D, b as tf.Tensor5D, [1, 4, 4, 6, 2], 2, 'valid'),
    )))([tf.tensor5d(y, [1, 2, 2, 3, 3]), tf.tensor5d(w, [2, 2, 2, 2, 3])]).map((t) => t.dataSync() as Float32Array));
    expect([relErr(gy, numericY), relErr(gw, numericW)].map((e) => e < 1e-4)).toEqual([true, true]);
  });
});

describe('training on wasm', () => {
  it('reduces the loss of a tiny conv net with model.fit', async () => {
    await tf.setBackend('wasm');
    const input = tf.input({ shape: [16, 16, 1] });
    const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    const b1 = tf.layers.batchNormalization().apply(c1) as tf.SymbolicTensor;
    const r1 = tf.layers.reLU().apply(b1) as tf.SymbolicTensor;
    const down = tf.layers.conv2d({ filters: 8, kernelSize: 2, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(r1) as tf.SymbolicTensor;
    const up = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(down) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([r1, up]) as tf.SymbolicTensor;
    const out = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(merged) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
    const xs = tf.tensor4d(seeded(8 * 16 * 16, 13), [8, 16, 16, 1]);
    const ys = tf.tidy(() => tf.cast(tf.greater(xs, 0.2), 'float32'));
    const history = await model.fit(xs, ys, { epochs: 8, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('reduces the loss of a tiny 3D conv net with a transposed up-conv', async () => {
    await tf.setBackend('wasm');
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const input = tf.input({ shape: [8, 8, 8, 1] });
    const c1 = tf.layers.conv3d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(5) }).apply(input) as tf.SymbolicTensor;
    const down = tf.layers.conv3d({ filters: 8, kernelSize: 2, strides: 2, activation: 'relu', kernelInitializer: init(6) }).apply(c1) as tf.SymbolicTensor;
    const up = tf.layers.conv3dTranspose({ filters: 4, kernelSize: 2, strides: 2, kernelInitializer: init(7) }).apply(down) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([c1, up]) as tf.SymbolicTensor;
    const out = tf.layers.conv3d({ filters: 1, kernelSize: 1, activation: 'sigmoid', kernelInitializer: init(8) }).apply(merged) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
    const xs = tf.tensor5d(seeded(2 * 8 * 8 * 8, 25), [2, 8, 8, 8, 1]);
    const ys = tf.tidy(() => tf.cast(tf.greater(xs, 0.2), 'float32'));
    const history = await model.fit(xs, ys, { epochs: 10, batchSize: 2, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
