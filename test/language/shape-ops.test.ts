// The shape rules of src/language/ir/op-shapes.ts that branch on a padding: both paddings, the crop a
// transposed conv's `same` makes (which the ONNX and PyTorch backends reproduce), and an
// unknown padding refused by name rather than treated as `valid`.
import { describe, expect, test } from 'vitest';
import type { NodeOp, Padding } from '../../src/language/ir/types.ts';
import { outputShape, transposedCropEnds } from '../../src/language/ir/op-shapes.ts';

const x = { channels: 4, size: [16, 16] };
const conv = (padding: Padding): NodeOp => ({ op: 'conv', filters: 8, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding, bias: true, init: 'he_normal' });
const up = (padding: Padding, k: number): NodeOp => ({ op: 'conv_transpose', filters: 8, kernel: [k, k], stride: [2, 2], padding, bias: true, init: 'he_normal' });
const unknown = 'unknown' as unknown as Padding;

describe('padding', () => {
  test('conv: same keeps the size, valid loses k - 1', () => {
    expect(outputShape(conv('same'), [x]).size).toEqual([16, 16]);
    expect(outputShape(conv('valid'), [x]).size).toEqual([14, 14]);
  });

  test('conv_transpose: same gives n * s (k - s cropped at the end), valid (n - 1) * s + k', () => {
    expect(transposedCropEnds({ kernel: [3, 2], stride: [2, 2], padding: 'same' })).toEqual([1, 0]);
    expect(transposedCropEnds({ kernel: [3, 2], stride: [2, 2], padding: 'valid' })).toEqual([0, 0]);
    expect(outputShape(up('same', 3), [x]).size).toEqual([32, 32]);
    expect(outputShape(up('valid', 3), [x]).size).toEqual([33, 33]);
  });

  test('an unknown padding is refused by name', () => {
    expect(() => outputShape(conv(unknown), [x])).toThrow('unknown padding: "unknown"');
    expect(() => outputShape(up(unknown, 3), [x])).toThrow('unknown padding: "unknown"');
  });
});
