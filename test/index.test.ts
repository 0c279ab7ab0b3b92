// The library's browser-safe entry (package "unet-dsl"): what README's "Use as a library" shows.
import { describe, expect, it } from 'vitest';
import { compileSource, drawSvg, formatDiagnostics, formatShape, formatSpec, stageRows } from '../src/index.ts';

const TINY = 'unet Tiny {\n  input 1 x 16 x 16\n  output 2 classes softmax\n  depth 1\n  filters 4 doubling\n  padding same\n}\n';

describe('unet-dsl (the core API)', () => {
  it('compiles spec text to IR with a shape and parameter summary', () => {
    const { model, diagnostics } = compileSource(TINY, 'tiny.unet');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(model!.name).toBe('Tiny');
    expect(formatShape(model!, model!.output)).toBe('2 x 16 x 16');
    expect(stageRows(model!).at(-1)!.stage).toBe('head');
    expect(model!.totals.params).toBeGreaterThan(0);
    expect(drawSvg(model!)).toMatch(/^<\?xml|<svg/);
  });

  it('reports located diagnostics for a broken spec', () => {
    const { model, diagnostics, sources } = compileSource(TINY.replace('depth 1', 'depht 1'), 'tiny.unet');
    expect(model).toBeNull();
    expect(formatDiagnostics(diagnostics, sources)).toMatch(/tiny\.unet:4:\d+/);
  });

  it('formats a spec canonically, and refuses one with syntax errors', () => {
    const { text } = formatSpec('unet Tiny {  input 1 x 16 x 16\n output 2 classes softmax\n}', 'tiny.unet');
    expect(text).toBe(formatSpec(text!, 'tiny.unet').text);
    expect(formatSpec('unet Tiny { input 1 x', 'tiny.unet').text).toBeNull();
  });
});
