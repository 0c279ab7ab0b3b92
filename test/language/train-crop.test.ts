// `train { crop ... }`: one number means the same size on every axis (as documented in
// docs/language.md), HxW a rectangle; either must be a legal input size of the network.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/language/compile.ts';

const spec = (dims: '2' | '3', crop: string) => `unet T {
  input 1
  output 2 classes softmax
  ${dims === '3' ? 'dims 3' : ''}
  depth 1
  filters 4 doubling
  padding valid
  train { crop ${crop} }
}`;

describe('train crop', () => {
  it('expands `crop S` to S on every axis', () => {
    expect(compileSource(spec('2', '28'), 't.unet').model?.train.crop).toEqual([28, 28]);
  });

  it('keeps a rectangle as written', () => {
    expect(compileSource(spec('2', '28x36'), 't.unet').model?.train.crop).toEqual([28, 36]);
  });

  it('refuses an illegal crop with its location', () => {
    const { model, diagnostics } = compileSource(spec('2', '29'), 't.unet');
    expect(model).toBeNull();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([expect.stringMatching(/^8:11 crop size 29 is not a legal input size/)]);
  });
});
