// What editors and other languages leave in a spec: a byte-order mark, tabs, comments and
// quotes of other languages, a clause written twice. Each is ignored or gets one located
// error with a hint (more cases in the golden file test/fixtures/broken/expected.txt).
import { expect, test } from 'vitest';
import { parseSource } from '../../src/language/grammar/index.ts';
import { compileSource } from '../../src/language/compile.ts';
import { formatDiagnostic } from '../../src/language/diagnostics.ts';

const SPEC = 'unet A {\n  input 1 x 64 x 64\n  output 2 classes\n  depth 2\n  filters 4\n}\n';

test('a byte-order mark at the start of the text is ignored, also when the text does not come from a file', () => {
  expect(parseSource('\uFEFF' + SPEC, 'a.unet').diagnostics).toEqual([]);
  expect(compileSource('\uFEFF' + SPEC, 'a.unet').model).not.toBeNull();
});

test('the caret counts a tab as the code frame prints it', () => {
  const d = { severity: 'error' as const, code: 'x', message: 'm', file: 'a.unet', line: 1, column: 3, endLine: 1, endColumn: 4 };
  const [, frame, caret] = formatDiagnostic(d, '\t\tx').split('\n');
  expect(frame!.indexOf('x')).toBe(caret!.indexOf('^'));
  expect(frame).not.toContain('\t');
});

test('a string in the wrong quotes is one error, and is still read as the string it was meant to be', () => {
  const { diagnostics } = compileSource(SPEC.replace('depth 2', 'labels \u201Cbackground\u201D, "cell"\n  depth 2'), 'a.unet');
  expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[4, 10, 'a string in typographic quotes: \u201Cbackground\u201D']]);
});

test('an option clause given twice is an error at the second, not last-wins', () => {
  const { diagnostics } = compileSource(SPEC.replace('depth 2', 'depth 2\n  train { optimizer sgd lr 0.1 momentum 0.9 lr 0.01 }'), 'a.unet');
  expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[5, 45, '`lr` is given twice in `optimizer` (first at column 25)']]);
});

test.each([
  ['norm group 4 groups 8', 'the group count is given twice (first 4 at column 14)'],
  ['train { lr 0.1; optimizer sgd lr 0.01 }', 'the learning rate is given twice: by `lr` and by `optimizer ... lr`'],
  ['train { optimizer sgd lr 0.01; lr 0.1 }', 'the learning rate is given twice: by `optimizer ... lr` and by `lr`'],
])('a value given twice in other words is an error too: %s', (line, message) => {
  const { diagnostics } = compileSource(SPEC.replace('depth 2', `depth 2\n  ${line}`), 'a.unet');
  expect(diagnostics.map((d) => [d.line, d.message])).toEqual([[5, message]]);
});

test.each([
  ['convs 100000', 'the number of convolutions must be at most 16, found 100000'],
  [Array(17).fill('head conv 3x3 filters 2').join('\n  '), 'a head has at most 16 convolutions'],
])('a typo cannot make the graph huge (found by the fuzz test): %s', (line, message) => {
  const started = performance.now();
  const { model, diagnostics } = compileSource(SPEC.replace('depth 2', `depth 2\n  ${line}`), 'a.unet');
  expect(model).toBeNull();
  expect(diagnostics.map((d) => d.message)).toEqual([message]);
  expect(performance.now() - started).toBeLessThan(2000);
});

test.each([
  ['train { augment { elastic sigma 1e99910 } }', 'sigma is too large a number, found 1e99910'],
  [`kernel ${'9'.repeat(400)}x3`, `a kernel size is too large a number, found ${'9'.repeat(400)}x3`],
])('a number too large for a float is an error, not Infinity in the IR (found by the fuzz test): %s', (line, message) => {
  const { model, diagnostics } = compileSource(SPEC.replace('depth 2', `depth 2\n  ${line}`), 'a.unet');
  expect(model).toBeNull();
  expect(diagnostics.map((d) => d.message)).toEqual([message]);
});
