// The language layer reads no files by itself (it runs in a browser); src/node reads from disk.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/language/compile.ts';
import { compileFile } from '../../src/node/compile-file.ts';

const SPEC = 'specs/milesial-bilinear.unet';

describe('reading the files a spec imports', () => {
  it('compileSource without a reader reports the import it cannot read', () => {
    const { model, diagnostics } = compileSource(readFileSync(SPEC, 'utf8'), SPEC);
    expect(model).toBeNull();
    expect(diagnostics.map((d) => d.code)).toContain('missing-file');
  });

  it('compileFile reads the imported file from disk', () => {
    const { model, diagnostics } = compileFile(SPEC);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(model?.name).toBe('MilesialBilinear');
  });
});
