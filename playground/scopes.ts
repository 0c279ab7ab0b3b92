// Which keywords may open a statement at each place of a spec, composed from the language's
// one keyword table (src/language/spec/keywords.ts) the way src/language/spec/interpret.ts reads the blocks:
// the editor's completion and highlighting never keep their own copy of the keywords.
import { augmentKeywords, sections, stageKeywords, trainKeywords, unetKeywords, type Keyword } from '../src/language/spec/keywords.ts';

/** A place that statements can stand in: the file, a `unet` block, or one of its sections. */
export type Scope = 'file' | 'unet' | 'encoder' | 'decoder' | 'bottom' | 'level' | 'train' | 'augment';

export interface KeywordInfo {
  name: string;
  /** How the statement is written, as the diagnostics' hints show it. */
  syntax: string;
  doc: string;
}

// The top level and the sections are read by interpret.ts itself, not through the table;
// their syntax is what its error hints ask for.
const TOP: KeywordInfo[] = [
  { name: 'unet', syntax: 'unet Name [extends Base [from "base.unet"]] { ... }', doc: 'a network' },
  { name: 'import', syntax: 'import "base.unet"', doc: 'the specs of another file, to extend' },
];
const block = (name: string, doc: string): KeywordInfo => ({ name, syntax: `${name} { ... }`, doc });
const SECTIONS: Record<string, KeywordInfo> = {
  encoder: block('encoder', 'settings of every encoder stage; `level N { ... }` for one'),
  decoder: block('decoder', 'settings of every decoder stage; `level N { ... }` for one'),
  bottom: block('bottom', 'settings of the bottom stage'),
  train: block('train', 'the training recipe'),
  level: { name: 'level', syntax: 'level N { ... }', doc: 'settings of one level (1 = top)' },
  augment: block('augment', 'data augmentation while training'),
};

const fromTable = (table: Record<string, Keyword<never>>): KeywordInfo[] =>
  Object.entries(table).map(([name, k]) => ({ name, syntax: k.syntax, doc: k.doc }));
const sectionsOf = (names: readonly string[]) => names.map((n) => SECTIONS[n]!);

// A stage keyword of the same name as a `unet` keyword (`filters`) is read as the latter there.
const unetScope = [...fromTable(unetKeywords), ...fromTable(stageKeywords).filter((k) => !unetKeywords[k.name]), ...sectionsOf(sections.unet)];

const KEYWORDS: Record<Scope, KeywordInfo[]> = {
  file: TOP,
  unet: unetScope,
  encoder: [...fromTable(stageKeywords), ...sectionsOf(sections.stage)],
  decoder: [...fromTable(stageKeywords), ...sectionsOf(sections.stage)],
  bottom: fromTable(stageKeywords),
  level: fromTable(stageKeywords),
  train: [...fromTable(trainKeywords), ...sectionsOf(sections.train)],
  augment: fromTable(augmentKeywords),
};

export const keywordsIn = (scope: Scope): readonly KeywordInfo[] => KEYWORDS[scope];

/** Every word that can open a statement somewhere, for highlighting. */
export const ALL_KEYWORDS: ReadonlySet<string> = new Set(Object.values(KEYWORDS).flatMap((ks) => ks.map((k) => k.name)));

/**
 * The scope inside a chain of open blocks, named by the statements that opened them
 * (`['unet', 'encoder', 'level']`); null inside a block the language does not have.
 */
export function scopeOf(blocks: readonly string[]): Scope | null {
  const [first, second, third, ...rest] = blocks;
  if (first === undefined) return 'file';
  if (first !== 'unet' || rest.length) return null;
  if (second === undefined) return 'unet';
  if (third === undefined) return (sections.unet as readonly string[]).includes(second) ? (second as Scope) : null;
  if ((second === 'encoder' || second === 'decoder') && third === 'level') return 'level';
  if (second === 'train' && third === 'augment') return 'augment';
  return null;
}
