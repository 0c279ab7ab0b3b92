// `unet fmt`: parse -> print -> parse gives the same statements, printing twice changes
// nothing, and comments survive (the graphql-js printer test, for .unet files).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSource } from '../../src/language/grammar/index.ts';
import type { SourceFile } from '../../src/language/ast.ts';
import { printSource } from '../../src/language/printer.ts';
import { SPECS } from './helpers.ts';

/** The tree without source positions (and without the text), so two parses can be compared. */
function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).filter(([k]) => !['span', 'keySpan', 'leadLine', 'text', 'file'].includes(k)).map(([k, v]) => [k, stripSpans(v)]));
  return node;
}

function parse(text: string, file: string): SourceFile {
  const { ast, diagnostics } = parseSource(text, file);
  expect(diagnostics).toEqual([]);
  return ast;
}

/** Every comment of a file, in order, without the "#" and surrounding spaces. */
const comments = (text: string) => [...text.matchAll(/#\s*([^\n]*?)\s*$/gm)].map((m) => m[1]);

describe('parse -> print -> parse', () => {
  for (const path of SPECS)
    test(path, () => {
      const text = readFileSync(path, 'utf8');
      const ast = parse(text, path);
      const printed = printSource(ast);
      expect(stripSpans(parse(printed, path))).toEqual(stripSpans(ast));
      expect(printSource(parse(printed, path))).toBe(printed);
      expect(comments(printed)).toEqual(comments(text));
    });
});

describe('the canonical form', () => {
  const messy = [
    '# head comment',
    'unet  A   extends B from "b.unet"{',
    '  input 1x572 x 572 ;output 2 classes',
    '  padding   valid   # trailing',
    '  filters 64,128 ,256',
    '  encoder { level 1 { dropout 0.5 } }',
    '  labels "background","cell"',
    '  # end of block',
    '}',
    '# end of file',
  ].join('\n');

  test('is what `unet fmt` prints', () => {
    expect(printSource(parse(messy, 'messy.unet'))).toBe(
      [
        '# head comment',
        'unet A extends B from "b.unet" {',
        '  input   1 x 572 x 572',
        '  output  2 classes',
        '  padding valid  # trailing',
        '  filters 64, 128, 256',
        '',
        '  encoder {',
        '    level 1 { dropout 0.5 }',
        '  }',
        '',
        '  labels "background", "cell"',
        '  # end of block',
        '}',
        '',
        '# end of file',
        '',
      ].join('\n'),
    );
  });

  test('round-trips and is idempotent', () => {
    const once = printSource(parse(messy, 'messy.unet'));
    expect(stripSpans(parse(once, 'messy.unet'))).toEqual(stripSpans(parse(messy, 'messy.unet')));
    expect(printSource(parse(once, 'messy.unet'))).toBe(once);
  });

  test('aligns values and trailing comments in a run, keeps one blank line of the source', () => {
    const text = ['unet A {', '  depth 4 # four', '  activation relu', '', '', '', '  # why', '  norm batch   # batch', '  bias off', '}'].join('\n');
    expect(printSource(parse(text, 'a.unet'))).toBe(
      [
        'unet A {',
        '  depth      4  # four',
        '  activation relu',
        '',
        '  # why',
        '  norm batch  # batch',
        '  bias off',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('the specs in specs/', () => {
  for (const path of SPECS)
    test(`${path} is in canonical form (unet fmt --check)`, () => {
      const text = readFileSync(path, 'utf8');
      expect(printSource(parse(text, path))).toBe(text);
    });
});
