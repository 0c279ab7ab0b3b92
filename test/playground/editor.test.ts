// The editor's language support without a browser: the keywords valid at each place (checked
// against the interpreter itself), the cursor's place, completion, highlighting and the
// squiggles' spans.
import { CompletionContext } from '@codemirror/autocomplete';
import { StringStream } from '@codemirror/language';
import { EditorState, Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { FILE, view } from '../../playground/app.ts';
import { completeKeywords } from '../../playground/completion.ts';
import { unetStreamParser } from '../../playground/highlight.ts';
import { toLint } from '../../playground/lint.ts';
import { placeAt } from '../../playground/place.ts';
import { ALL_KEYWORDS, keywordsIn, type Scope } from '../../playground/scopes.ts';
import { compileSource } from '../../src/language/compile.ts';
import { augmentKeywords, stageKeywords, trainKeywords, unetKeywords } from '../../src/language/spec/keywords.ts';

// A statement `KEY` placed in each scope (the `%` marks where).
const AT: Record<Scope, string> = {
  file: '%\n',
  unet: 'unet A {\n  %\n}\n',
  encoder: 'unet A {\n  encoder {\n    %\n  }\n}\n',
  decoder: 'unet A {\n  decoder {\n    %\n  }\n}\n',
  bottom: 'unet A {\n  bottom {\n    %\n  }\n}\n',
  level: 'unet A {\n  encoder {\n    level 2 {\n      %\n    }\n  }\n}\n',
  train: 'unet A {\n  train {\n    %\n  }\n}\n',
  augment: 'unet A {\n  train {\n    augment {\n      %\n    }\n  }\n}\n',
};
const SCOPES = Object.keys(AT) as Scope[];
const unknownKeywords = (text: string) => compileSource(text, FILE, { read: () => ({ error: 'is not available in this test' }) }).diagnostics.filter((d) => d.code === 'unknown-keyword');
const names = (scope: Scope) => keywordsIn(scope).map((k) => k.name);

describe('keywords by scope', () => {
  it('come from the keyword table', () => {
    expect(names('train')).toEqual(expect.arrayContaining(Object.keys(trainKeywords)));
    expect(names('augment')).toEqual(Object.keys(augmentKeywords));
    expect(names('bottom')).toEqual(Object.keys(stageKeywords));
    expect(names('unet')).toEqual(expect.arrayContaining([...Object.keys(unetKeywords), ...Object.keys(stageKeywords)]));
    for (const k of keywordsIn('train').filter((k) => trainKeywords[k.name])) expect(k.syntax).toBe(trainKeywords[k.name]!.syntax);
  });

  it('are exactly what the interpreter accepts at each place', () => {
    for (const scope of SCOPES) {
      for (const name of names(scope)) expect(unknownKeywords(AT[scope].replace('%', name)), `${name} in ${scope}`).toEqual([]);
      // Every other keyword of the language is refused there.
      for (const name of [...ALL_KEYWORDS].filter((n) => !names(scope).includes(n))) expect(unknownKeywords(AT[scope].replace('%', name)), `${name} in ${scope}`).toHaveLength(1);
    }
  });
});

describe('placeAt', () => {
  const at = (text: string) => placeAt(text.replace('|', ''), text.indexOf('|'));
  it('finds the enclosing block and the word being typed', () => {
    expect(at('|')).toEqual({ scope: 'file', statementStart: true, from: 0, word: '' });
    expect(at('unet A {\n  dep|')).toMatchObject({ scope: 'unet', statementStart: true, word: 'dep', from: 11 });
    expect(at('unet A {\n  encoder {\n    level 4 {\n      dr|')).toMatchObject({ scope: 'level', statementStart: true });
    expect(at('unet A {\n  train {\n    augment { fl|')).toMatchObject({ scope: 'augment', word: 'fl' });
    expect(at('unet A {\n  train {\n  }\n  |')).toMatchObject({ scope: 'unet', statementStart: true });
    expect(at('unet A { down maxpool; |')).toMatchObject({ scope: 'unet', statementStart: true });
  });

  it('knows a value from a keyword, and ignores braces in comments and strings', () => {
    expect(at('unet A {\n  padding va|')).toMatchObject({ scope: 'unet', statementStart: false, word: 'va' });
    expect(at('unet A { # {\n  labels "{"\n  |')).toMatchObject({ scope: 'unet', statementStart: true });
    expect(at('unet A {\n  foo {\n    |').scope).toBeNull();
  });
});

describe('completion', () => {
  const complete = (text: string, explicit = false) =>
    completeKeywords(new CompletionContext(EditorState.create({ doc: text.replace('|', '') }), text.indexOf('|'), explicit));

  it('offers the keywords of the place, with their syntax', () => {
    const text = 'unet A {\n  train {\n    lo|';
    const result = complete(text)!;
    expect(result.from).toBe(text.indexOf('lo|'));
    const labels = result.options.map((o) => o.label);
    expect(labels).toContain('loss');
    expect(labels).toContain('augment');
    expect(labels).not.toContain('depth');
    expect(`loss ${result.options.find((o) => o.label === 'loss')!.detail}`).toBe(trainKeywords['loss']!.syntax);
    expect(result.options.find((o) => o.label === 'augment')!.detail).toBe('{ ... }');
  });

  it('offers nothing for a value, and a bare line only when asked', () => {
    expect(complete('unet A {\n  padding va|')).toBeNull();
    expect(complete('unet A {\n  |')).toBeNull();
    expect(complete('unet A {\n  |', true)!.options.map((o) => o.label)).toContain('depth');
  });
});

describe('highlighting', () => {
  /** [text, style] of each token of one line, as CodeMirror's stream tokenizer reads it. */
  const tokens = (line: string) => {
    const state = unetStreamParser.startState!(2);
    const stream = new StringStream(line, 2, 2);
    const out: Array<[string, string | null]> = [];
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = unetStreamParser.token(stream, state);
      if (style) out.push([stream.current(), style]);
    }
    return out;
  };

  it('reads with the parser\'s tokens', () => {
    expect(tokens('unet Small extends Milesial from "m.unet" {')).toEqual([
      ['unet', 'keyword'], ['Small', 'variableName.definition'], ['extends', 'keyword'], ['Milesial', 'typeName'], ['from', 'keyword'], ['"m.unet"', 'string'], ['{', 'brace'],
    ]);
    expect(tokens('  input 1 x 572 x 572  # the tile')).toEqual([['input', 'keyword'], ['1 x 572 x 572', 'number'], ['# the tile', 'comment']]);
    expect(tokens('  padding valid; dpth 4')).toEqual([['padding', 'keyword'], ['valid', 'atom'], [';', 'punctuation'], ['dpth', 'variableName'], ['4', 'number']]);
    expect(tokens('  depth @')).toEqual([['depth', 'keyword'], ['@', 'invalid']]);
  });

  it('colours every keyword of the table', () => {
    for (const k of ALL_KEYWORDS) expect(tokens(`${k} 1`)[0]).toEqual([k, 'keyword']);
    expect(ALL_KEYWORDS).toContain('weight_map');
  });
});

describe('squiggles', () => {
  it('cover the span of each diagnostic, with its hint', () => {
    const text = 'unet A {\n  input 1 x 64 x 64\n  output 2 classes\n  depth -1\n  pading same\n}\n';
    const lint = toLint(view(text).diagnostics, Text.of(text.split('\n')), FILE);
    expect(lint.map((d) => text.slice(d.from, d.to))).toEqual(['-1', 'pading']);
    expect(lint[1]!.message).toMatch(/unknown keyword `pading`.*\nhint: did you mean `padding`\?/);
    expect(lint[1]!.severity).toBe('error');
  });

  it('drop what belongs to another file and keep a span at the end of the text inside it', () => {
    const doc = Text.of(['unet A {']);
    const d = { severity: 'error' as const, code: 'syntax', message: 'expected `}`', file: FILE, line: 1, column: 9, endLine: 1, endColumn: 10 };
    expect(toLint([d, { ...d, file: 'other.unet' }], doc, FILE)).toEqual([{ from: 8, to: 8, severity: 'error', source: 'syntax', message: 'expected `}`' }]);
  });
});
