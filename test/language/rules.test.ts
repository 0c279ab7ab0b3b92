// Warnings of the semantic rules (src/language/rules/): the spec still compiles, the user is told.
import { expect, test } from 'vitest';
import { compileSource } from '../../src/language/compile.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';

const warningsOf = (body: string) => {
  const text = `unet A {\n  input 1 x 64 x 64\n  output 2 classes\n${body}\n}\n`;
  const { model, diagnostics } = compileSource(text, 'a.unet');
  expect(model).not.toBeNull();
  return formatDiagnostics(diagnostics, new Map([['a.unet', text]]));
};

test('a weight map without the weighted loss is computed for nothing', () => {
  expect(warningsOf('  train {\n    loss ce\n    weight_map w0 10 sigma 5\n  }')).toBe(
    [
      'a.unet:6:5: warning: the weight map has no effect with loss ce',
      '  6 |     weight_map w0 10 sigma 5',
      '    |     ^^^^^^^^^^^^^^^^^^^^^^^^',
      '  hint: use `loss weighted_ce` or `loss ce_dice`, or remove `weight_map`',
    ].join('\n'),
  );
  expect(warningsOf('  train {\n    loss weighted_ce\n    weight_map w0 10 sigma 5\n  }')).toBe('');
  // ce_dice weights its cross-entropy term with the map.
  expect(warningsOf('  train {\n    loss ce_dice\n    weight_map w0 10 sigma 5\n  }')).toBe('');
});

test('a conv bias before batch norm is cancelled by the norm', () => {
  expect(warningsOf('  norm batch')).toMatch(/a\.unet:4:3: warning: convolutions followed by batch norm have a bias that the norm cancels\n[^]*hint: add `bias off`/);
  expect(warningsOf('  norm batch\n  bias off')).toBe('');
});
