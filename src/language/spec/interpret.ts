// Gives the generic statements of a parsed file their meaning: each `unet` block becomes a
// UnetDecl holding exactly what it wrote. Every problem becomes a located diagnostic; a bad
// statement is skipped and the rest are still read, so one run reports them all.
import type { SourceFile, Span, Statement } from '../ast.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import { closest, didYouMean, shortFormOf } from '../suggest.ts';
import { Cursor, ValueError } from './cursor.ts';
import { augmentKeywords, sections, stageKeywords, trainKeywords, unetKeywords, type Keyword } from './keywords.ts';
import type { SectionSettings, StageSettings, UnetDecl } from './types.ts';

export interface ImportDecl {
  path: string;
  span: Span;
}

export interface Interpreted {
  decls: UnetDecl[];
  imports: ImportDecl[];
  diagnostics: Diagnostic[];
}

const where: Record<string, string> = {};
for (const k of Object.keys(trainKeywords)) where[k] = 'a `train { }` block';
for (const k of Object.keys(augmentKeywords)) where[k] = 'an `augment { }` block inside `train`';
for (const k of Object.keys(unetKeywords)) where[k] = 'the `unet` block';

class Interpreter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  report(d: Diagnostic) {
    this.diagnostics.push(d);
  }

  /** Reads one statement with a keyword's reader, reporting a value error at its value. */
  apply<T>(keyword: Keyword<T>, s: Statement, target: T): boolean {
    if (s.block) {
      this.report(error('unexpected-block', `\`${s.key}\` does not open a block`, s.keySpan, `write it on one line: ${keyword.syntax}`));
      return false;
    }
    const c = new Cursor(s);
    try {
      keyword.read(c, target);
      c.end();
      return true;
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      this.report({ ...e.diagnostic, hint: e.diagnostic.hint ?? `syntax: ${keyword.syntax}` });
      return false;
    }
  }

  /** `fil<tab>ters 8`: a tab or space inside a keyword splits it into a key and a value. */
  splitKeyword(s: Statement, valid: readonly string[]): string | undefined {
    const next = s.values[0];
    if (next?.kind !== 'name' || next.span.line !== s.keySpan.line || !valid.includes(s.key + next.value)) return undefined;
    const gap = this.lines[s.keySpan.line - 1]?.slice(s.keySpan.endColumn - 1, next.span.column - 1) ?? '';
    return `${gap.includes('\t') ? 'a tab' : 'a space'} splits \`${s.key + next.value}\` in two: write it as one word`;
  }

  unknown(s: Statement, valid: readonly string[], place: string) {
    const hint = this.splitKeyword(s, valid) ?? didYouMean(s.key, valid) ?? (where[s.key] ? `\`${s.key}\` belongs in ${where[s.key]}` : shortFormOf(s.key, valid));
    this.report(error('unknown-keyword', `unknown keyword \`${s.key}\` in ${place}`, s.keySpan, hint));
  }

  /** Reports a second statement of the same keyword in one block. */
  once(seen: Map<string, Span>, s: Statement, path: string): boolean {
    const first = seen.get(path);
    if (first) {
      this.report(error('duplicate', `\`${s.key}\` is set twice (first at line ${first.line})`, s.keySpan, 'remove one of them'));
      return false;
    }
    seen.set(path, s.span);
    return true;
  }

  needsBlock(s: Statement, syntax: string): s is Statement & { block: Statement[] } {
    if (s.block) return true;
    this.report(error('missing-block', `\`${s.key}\` opens a block`, s.keySpan, `write ${syntax}`));
    return false;
  }

  stage(statements: Statement[], target: Partial<StageSettings>, prefix: string, spans: Record<string, Span>, place: string, levels?: SectionSettings['levels']) {
    const seen = new Map<string, Span>();
    for (const s of statements) {
      const keyword = stageKeywords[s.key];
      if (keyword) {
        if (this.once(seen, s, s.key) && this.apply(keyword, s, target)) spans[`${prefix}.${s.key}`] = s.span;
      } else if (s.key === 'level' && levels) {
        if (!this.needsBlock(s, 'level N { ... }')) continue;
        const c = new Cursor(s);
        try {
          const level = c.integer('a level number (1 = top)');
          c.end();
          if (!this.once(seen, s, `level ${level}`)) continue;
          levels[level] = levels[level] ?? {};
          spans[`${prefix}.level.${level}`] = s.span;
          this.stage(s.block, levels[level]!, `${prefix}.level.${level}`, spans, `\`level ${level}\``);
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
          this.report(e.diagnostic);
        }
      } else this.unknown(s, [...Object.keys(stageKeywords), ...(levels ? ['level'] : [])], place);
    }
  }

  simple<T>(statements: Statement[], table: Record<string, Keyword<T>>, target: T, prefix: string, spans: Record<string, Span>, place: string, blocks: Record<string, (s: Statement & { block: Statement[] }) => void> = {}) {
    const seen = new Map<string, Span>();
    for (const s of statements) {
      const keyword = table[s.key];
      if (keyword) {
        if (this.once(seen, s, s.key) && this.apply(keyword, s, target)) spans[`${prefix}.${s.key}`] = s.span;
      } else if (blocks[s.key]) {
        if (this.needsBlock(s, `${s.key} { ... }`) && this.once(seen, s, s.key)) blocks[s.key]!(s);
      } else this.unknown(s, [...Object.keys(table), ...Object.keys(blocks)], place);
    }
  }

  unet(s: Statement, file: string): UnetDecl | null {
    const c: Cursor = new Cursor(s);
    let name: string;
    let base: UnetDecl['base'] = null;
    try {
      name = c.name('a name', 'write: unet Name { ... }');
      if (c.accept('extends')) {
        const baseSpan = c.peek()?.span ?? s.keySpan;
        const baseName = c.name('the name of the spec it extends');
        const from = c.accept('from') ? c.string('a file name', 'write: extends Base from "base.unet"') : null;
        base = { name: baseName, from, span: baseSpan };
      }
      c.end();
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      this.report(e.diagnostic);
      return null;
    }
    if (!this.needsBlock(s, `unet ${name} { ... }`)) return null;
    const nameSpan = s.values[0]!.span;
    const emptySection = (): SectionSettings => ({ stage: {}, levels: {} });
    const decl: UnetDecl = {
      name,
      nameSpan,
      span: s.span,
      file,
      base,
      settings: { block: {}, encoder: emptySection(), decoder: emptySection(), bottom: {}, train: {} },
      spans: {},
    };
    const seen = new Map<string, Span>();
    const settings = decl.settings;
    for (const st of s.block) {
      const keyword = unetKeywords[st.key] ?? stageKeywords[st.key];
      if (unetKeywords[st.key]) {
        // The span is kept even when the value is wrong, so resolve.ts does not also report the key as missing.
        if (st.key === 'head' || this.once(seen, st, st.key)) {
          decl.spans[st.key] = st.span;
          this.apply(unetKeywords[st.key]!, st, settings);
        }
      } else if (stageKeywords[st.key]) {
        if (this.once(seen, st, st.key) && this.apply(keyword as Keyword<Partial<StageSettings>>, st, settings.block)) decl.spans[`block.${st.key}`] = st.span;
      } else if ((sections.unet as readonly string[]).includes(st.key)) {
        if (!this.needsBlock(st, `${st.key} { ... }`) || !this.once(seen, st, st.key)) continue;
        decl.spans[st.key] = st.span;
        if (st.key === 'encoder' || st.key === 'decoder') {
          const section = settings[st.key];
          this.stage(st.block, section.stage, st.key, decl.spans, `\`${st.key}\``, section.levels);
        } else if (st.key === 'bottom') this.stage(st.block, settings.bottom, 'bottom', decl.spans, '`bottom`');
        else
          this.simple(st.block, trainKeywords, settings.train, 'train', decl.spans, '`train`', {
            augment: (a) => {
              settings.train.augment = {};
              decl.spans['train.augment'] = a.span;
              this.simple(a.block, augmentKeywords, settings.train.augment, 'train.augment', decl.spans, '`augment`');
            },
          });
      } else this.unknown(st, [...Object.keys(unetKeywords), ...Object.keys(stageKeywords), ...sections.unet], `\`unet ${name}\``);
    }
    return decl;
  }
}

export function interpret(source: SourceFile): Interpreted {
  const it = new Interpreter(source.text);
  const decls: UnetDecl[] = [];
  const imports: ImportDecl[] = [];
  const names = new Map<string, Span>();
  for (const s of source.statements) {
    if (s.key === 'unet') {
      const decl = it.unet(s, source.file);
      if (!decl) continue;
      const first = names.get(decl.name);
      if (first) it.report(error('duplicate', `a spec named \`${decl.name}\` is already defined at line ${first.line}`, decl.nameSpan, 'give each `unet` block its own name'));
      names.set(decl.name, decl.nameSpan);
      decls.push(decl);
    } else if (s.key === 'import') {
      const v = s.values[0];
      if (v?.kind !== 'string' || s.values.length !== 1 || s.block)
        it.report(error('bad-value', '`import` expects one file name in quotes', v?.span ?? s.keySpan, 'write: import "base.unet"'));
      else imports.push({ path: v.value, span: v.span });
    } else {
      const hint = didYouMean(s.key, ['unet', 'import']) ?? (closest(s.key, Object.keys(unetKeywords)) || unetKeywords[s.key] ? 'settings go inside a `unet Name { ... }` block' : undefined);
      it.report(error('unknown-keyword', `expected \`unet\` or \`import\` at the top level, found \`${s.key}\``, s.keySpan, hint));
    }
  }
  return { decls, imports, diagnostics: it.diagnostics };
}
