// Imports, `extends` and defaults -> one complete ResolvedSpec. A spec inherits every
// setting of its base and overrides key by key (stage settings per key, levels per level),
// so an ablation is a two-line file.
import { parseSource } from '../grammar/index.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { Span, TrainConfig } from '../ir/types.ts';
import { notASpec } from './not-a-spec.ts';
import { interpret } from './interpret.ts';
import type { DeepPartial, ResolvedSpec, ResolvedStage, SectionSettings, Settings, StageSettings, UnetDecl } from './types.ts';

/** Reads a spec file by path: its text, or why not. Injected so the browser can resolve too. */
/** The text of a file, or why it was not read (a phrase that follows the file's name). */
export type ReadResult = { text: string } | { error: string };

/** How the front end reads the files a spec names (src/node/read-spec.ts on disk; nothing in a page). */
export type ReadFile = (path: string) => ReadResult;

export const stageDefaults: StageSettings = {
  convs: 2,
  kernel: [3],
  dilation: 1,
  bias: true,
  norm: null,
  activation: { fn: 'relu', alpha: 0 },
  dropout: 0,
  se: null,
  residual: false,
  filters: [],
};

export function trainDefaults(classes: number): TrainConfig {
  return {
    loss: classes === 1 ? 'bce' : 'ce',
    optimizer: { kind: 'adam', lr: 1e-3, momentum: 0.9, nesterov: false, weightDecay: 0 },
    schedule: { kind: 'constant', patience: 5, factor: 0.1, power: 0.9, minLr: 0 },
    batch: 4,
    epochs: 10,
    clip: null,
    valSplit: 0.2,
    seed: 1,
    crop: null,
    weightMap: null,
    augment: { elastic: null, flip: false, rotate90: false, rotate: 0, shift: 0, brightness: 0, contrast: 0, gamma: 0 },
    normalize: 'unit',
    maskValues: null,
  };
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i) || '/';
}

export function joinPath(dir: string, relative: string): string {
  if (relative.startsWith('/')) return relative;
  const parts = dir === '.' ? [] : dir.split('/');
  for (const p of relative.split('/')) {
    if (p === '..' && parts.length && parts.at(-1) !== '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  return parts.join('/');
}

interface LoadedFile {
  text: string;
  decls: UnetDecl[];
  imports: string[];
}

/** Loads files once each, follows imports, and resolves one declaration's `extends` chain. */
class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources = new Map<string, string>();
  private readonly files = new Map<string, LoadedFile | null>();

  constructor(private readonly read: ReadFile) {}

  load(path: string, text?: string, from?: Span): LoadedFile | null {
    if (this.files.has(path)) return this.files.get(path)!;
    this.files.set(path, null); // guards against import cycles while loading, and reports a bad file once
    const read = text === undefined ? this.read(path) : { text };
    if ('error' in read) {
      if (from) this.diagnostics.push(error('missing-file', `cannot read \`${path}\`: it ${read.error}`, from, read.error === 'does not exist' ? 'paths are relative to the file that names them' : undefined));
      return null;
    }
    const parsed = parseSource(read.text, path);
    // The text as parsed (without a byte-order mark), so code frames match the columns.
    const content = parsed.ast.text;
    // A file that a spec names (import, extends ... from) but that is no spec gets one
    // message, and none of its lines: `extends X from "/etc/passwd"` must not print it.
    const refused = from ? notASpec(path, parsed) : null;
    if (refused) {
      this.diagnostics.push(error('not-a-spec', `not a .unet spec: \`${path}\` ${refused}`, from!, 'import and `extends ... from` name .unet files that define `unet` blocks'));
      return null;
    }
    this.sources.set(path, content);
    const interpreted = interpret(parsed.ast);
    this.diagnostics.push(...parsed.diagnostics, ...interpreted.diagnostics);
    const imports = interpreted.imports.map((i) => {
      const target = joinPath(dirname(path), i.path);
      this.load(target, undefined, i.span);
      return target;
    });
    const loaded = { text: content, decls: interpreted.decls, imports };
    this.files.set(path, loaded);
    return loaded;
  }

  /** The declaration named `name` visible from `file`: its own, then imported ones. */
  find(name: string, file: string): UnetDecl | undefined {
    const loaded = this.files.get(file);
    if (!loaded) return undefined;
    return loaded.decls.find((d) => d.name === name) ?? loaded.imports.map((f) => this.files.get(f)?.decls.find((d) => d.name === name)).find(Boolean);
  }

  /** The chain [decl, its base, the base's base, ...], or null on an error. */
  chain(decl: UnetDecl): UnetDecl[] | null {
    const out = [decl];
    let current = decl;
    while (current.base) {
      const { name, from, span } = current.base;
      const file = from ? joinPath(dirname(current.file), from) : current.file;
      if (from && !this.load(file, undefined, span)) return null;
      const base = this.find(name, file);
      if (!base) {
        const where = from ? `\`${from}\`` : 'this file or its imports';
        const known = [...(this.files.get(file)?.decls ?? []), ...(this.files.get(file)?.imports ?? []).flatMap((f) => this.files.get(f)?.decls ?? [])].filter((d) => !out.includes(d)).map((d) => d.name);
        const hint = didYouMean(name, known) ?? (from ? undefined : 'add `from "file.unet"` or an `import`');
        this.diagnostics.push(error('unknown-spec', `no spec named \`${name}\` in ${where}`, span, hint));
        return null;
      }
      if (out.includes(base)) {
        this.diagnostics.push(error('extends-cycle', `\`${decl.name}\` extends itself: ${[...out, base].map((d) => d.name).join(' -> ')}`, span));
        return null;
      }
      out.push(base);
      current = base;
    }
    return out;
  }
}

function mergeSection(base: SectionSettings, over: SectionSettings): SectionSettings {
  const levels: SectionSettings['levels'] = { ...base.levels };
  for (const [k, v] of Object.entries(over.levels)) levels[Number(k)] = { ...levels[Number(k)], ...v };
  return { stage: { ...base.stage, ...over.stage }, levels };
}

function mergeTrain(base: DeepPartial<TrainConfig>, over: DeepPartial<TrainConfig>): DeepPartial<TrainConfig> {
  const out: DeepPartial<TrainConfig> = { ...base, ...over };
  if (base.optimizer || over.optimizer) out.optimizer = { ...base.optimizer, ...over.optimizer };
  if (base.augment || over.augment) out.augment = { ...base.augment, ...over.augment };
  return out;
}

/** Settings of the base first, overridden by each derived spec in turn. */
function mergeChain(chain: UnetDecl[]): { settings: UnetDecl['settings']; spans: Record<string, Span> } {
  let settings: UnetDecl['settings'] = { block: {}, encoder: { stage: {}, levels: {} }, decoder: { stage: {}, levels: {} }, bottom: {}, train: {} };
  let spans: Record<string, Span> = {};
  for (const decl of [...chain].reverse()) {
    const s = decl.settings;
    settings = {
      ...settings,
      ...s,
      block: { ...settings.block, ...s.block },
      encoder: mergeSection(settings.encoder, s.encoder),
      decoder: mergeSection(settings.decoder, s.decoder),
      bottom: { ...settings.bottom, ...s.bottom },
      train: mergeTrain(settings.train, s.train),
    };
    spans = { ...spans, ...decl.spans };
  }
  return { settings, spans };
}

function fillTrain(partial: DeepPartial<TrainConfig>, classes: number, dims: number): TrainConfig {
  const d = trainDefaults(classes);
  // `crop S` is S on every axis, like a square kernel.
  const crop = partial.crop?.length === 1 ? Array.from({ length: dims }, () => partial.crop![0]!) : partial.crop;
  const weightMap = partial.weightMap === undefined ? (partial.loss === 'weighted_ce' ? { w0: 10, sigma: 5, cellClass: 1 } : null) : (partial.weightMap as TrainConfig['weightMap']);
  return {
    ...d,
    ...(partial as Partial<TrainConfig>),
    optimizer: { ...d.optimizer, ...(partial.optimizer as Partial<TrainConfig['optimizer']>) },
    schedule: { ...d.schedule, ...(partial.schedule as Partial<TrainConfig['schedule']>) },
    augment: { ...d.augment, ...(partial.augment as Partial<TrainConfig['augment']>) },
    crop: (crop ?? d.crop) as TrainConfig['crop'],
    weightMap,
  };
}

class Completer {
  constructor(
    private readonly diagnostics: Diagnostic[],
    private readonly spans: Record<string, Span>,
    private readonly fallback: Span,
  ) {}

  span(...paths: string[]): Span {
    for (const p of paths) if (this.spans[p]) return this.spans[p]!;
    return this.fallback;
  }

  fail(code: string, message: string, span: Span, hint?: string) {
    this.diagnostics.push(error(code, message, span, hint));
  }

  private readonly reported = new Set<string>();

  /** A setting shared by several stages (one `kernel`, one `norm group 5`) is checked per stage but reported once. */
  failOnce(code: string, message: string, span: Span, hint?: string) {
    const key = `${code} ${span.file}:${span.line}:${span.column}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.fail(code, message, span, hint);
  }

  /** Expands a one-entry size to every axis; reports a size with the wrong number of axes. */
  size(values: number[], dims: number, what: string, span: Span): number[] {
    if (values.length === 1) return Array(dims).fill(values[0]);
    if (values.length !== dims) {
      this.failOnce('dims', `${what} ${values.join('x')} has ${values.length} axes, but the network is ${dims}D`, span, `use ${Array(dims).fill(values[0]).join('x')} or a single number`);
      return Array(dims).fill(values[0]);
    }
    return values;
  }

  stage(layers: Partial<StageSettings>[], paths: string[], level: number, path: ResolvedStage['path'], dims: number, levelFilters: number): ResolvedStage {
    const merged: StageSettings = Object.assign({}, stageDefaults, ...layers);
    const at = (key: string) => this.span(...paths.map((p) => `${p}.${key}`).reverse(), ...[...paths].reverse());
    let filters = merged.filters.length ? merged.filters : [levelFilters];
    if (filters.length === 1) filters = Array(merged.convs).fill(filters[0]);
    else if (filters.length !== merged.convs)
      this.failOnce('filters-count', `${filters.length} filter counts given for a stage of ${merged.convs} convolutions`, at('filters'), `give one number, or ${merged.convs}`);
    if (merged.norm?.kind === 'group') {
      const bad = filters.find((f) => f % merged.norm!.groups !== 0);
      if (bad !== undefined) this.failOnce('group-norm', `group norm with ${merged.norm.groups} groups needs channel counts divisible by ${merged.norm.groups}, found ${bad}`, at('norm'));
    }
    return {
      ...merged,
      kernel: this.size(merged.kernel, dims, 'kernel', at('kernel')),
      filters: filters.slice(0, merged.convs).concat(Array(Math.max(0, merged.convs - filters.length)).fill(filters.at(-1))),
      level,
      path,
      span: this.span(...[...paths].reverse(), 'block'),
    };
  }
}

function complete(decl: UnetDecl, chain: UnetDecl[], text: string, diagnostics: Diagnostic[]): ResolvedSpec | null {
  const { settings: s, spans } = mergeChain(chain);
  const c = new Completer(diagnostics, spans, decl.nameSpan);
  const before = diagnostics.length;
  if (!s.input && !spans['input']) c.fail('missing', `\`${decl.name}\` has no \`input\``, decl.nameSpan, 'add a line such as: input 1 x 572 x 572');
  if (!s.output && !spans['output']) c.fail('missing', `\`${decl.name}\` has no \`output\``, decl.nameSpan, 'add a line such as: output 2 classes softmax');
  if (!s.input || !s.output) return null;
  const dims = s.dims ?? (s.input.size ? (s.input.size.length as 2 | 3) : 2);
  if (s.input.size && s.input.size.length !== dims)
    c.fail('dims', `the input has ${s.input.size.length} spatial sizes, but \`dims\` is ${dims}`, c.span('input'));
  const depth = s.depth ?? 4;
  const filters = s.filters ?? { base: 64 };
  let levelFilters: number[];
  if ('list' in filters) {
    levelFilters = filters.list;
    if (levelFilters.length !== depth + 1)
      c.fail('filters-count', `\`filters\` lists ${levelFilters.length} channel counts, but depth ${depth} has ${depth + 1} levels`, c.span('filters'), `give ${depth + 1} numbers, top to bottom, or one base number`);
    while (levelFilters.length < depth + 1) levelFilters = [...levelFilters, levelFilters.at(-1)! * 2];
  } else levelFilters = Array.from({ length: depth + 1 }, (_, i) => filters.base * 2 ** i);

  for (const section of ['encoder', 'decoder'] as const)
    for (const level of Object.keys(s[section].levels).map(Number))
      if (level < 1 || level > depth)
        c.fail('level', `${section} level ${level} does not exist: depth ${depth} has levels 1 to ${depth}`, c.span(`${section}.level.${level}`), level === depth + 1 ? 'the bottom of the U is set in `bottom { ... }`' : undefined);

  const classes = s.output.classes;
  const activation = s.output.activation ?? (classes === 1 ? 'sigmoid' : 'softmax');
  const down = s.down ?? { kind: 'maxpool', kernel: [2], stride: 2 };
  const up = s.up ?? { kind: 'transposed', kernel: [2], alignCorners: false, keepChannels: false, conv: null };
  const enc = (l: number) => c.stage([s.block, s.encoder.stage, s.encoder.levels[l] ?? {}], ['block', 'encoder', `encoder.level.${l}`], l, 'encoder', dims, levelFilters[l - 1]!);
  const dec = (l: number) => c.stage([s.block, s.decoder.stage, s.decoder.levels[l] ?? {}], ['block', 'decoder', `decoder.level.${l}`], l, 'decoder', dims, levelFilters[l - 1]!);
  const spec: ResolvedSpec = {
    name: decl.name,
    file: decl.file,
    text,
    span: decl.span,
    dims,
    input: s.input,
    classes,
    activation,
    labels: s.labels ?? Array.from({ length: classes }, (_, i) => `class ${i}`),
    head: (s.head ?? []).map((h) => ({ ...h, kernel: c.size(h.kernel, dims, 'head kernel', c.span('head')) })),
    depth,
    levelFilters,
    padding: s.padding ?? 'same',
    down: { ...down, kernel: c.size(down.kernel, dims, 'down kernel', c.span('down')) },
    up: {
      ...up,
      kernel: c.size(up.kernel, dims, 'up kernel', c.span('up')),
      conv: up.conv ? { ...up.conv, kernel: c.size(up.conv.kernel, dims, 'up conv kernel', c.span('up')) } : null,
    },
    skip: s.skip ?? { kind: 'concat', attention: false },
    init: s.init ?? 'he_normal',
    encoder: Array.from({ length: depth }, (_, i) => enc(i + 1)),
    bottom: c.stage([s.block, s.encoder.stage, s.bottom], ['block', 'encoder', 'bottom'], depth + 1, 'bottom', dims, levelFilters[depth]!),
    decoder: Array.from({ length: depth }, (_, i) => dec(depth - i)),
    train: fillTrain(s.train, classes, dims),
    spans,
  };
  if (s.labels && s.labels.length !== classes)
    c.fail('labels', `${s.labels.length} labels for ${classes} classes`, c.span('labels'), `give ${classes} names`);
  return diagnostics.length > before && diagnostics.slice(before).some((d) => d.severity === 'error') ? null : spec;
}

export interface ResolveResult {
  spec: ResolvedSpec | null;
  diagnostics: Diagnostic[];
  /** The text of every file read, for code frames. */
  sources: Map<string, string>;
}

/**
 * Resolves the spec named `name` in `file` (default: the last `unet` block of the file,
 * so a file may define helpers before its main network).
 */
export function resolveSpec(file: string, text: string, read: ReadFile, name?: string): ResolveResult {
  const r = new Resolver(read);
  const loaded = r.load(file, text);
  const result = (spec: ResolvedSpec | null): ResolveResult => ({ spec, diagnostics: r.diagnostics, sources: r.sources });
  if (!loaded) return result(null);
  const decl = name ? loaded.decls.find((d) => d.name === name) : loaded.decls.at(-1);
  if (!decl) {
    if (!r.diagnostics.some((d) => d.severity === 'error')) {
      const span = { file, line: 1, column: 1, endLine: 1, endColumn: 2 };
      const names = loaded.decls.map((d) => `\`${d.name}\``).join(', ');
      r.diagnostics.push(error('missing', name ? `no spec named \`${name}\` in this file${names ? ` (it has ${names})` : ''}` : 'the file defines no `unet` block', span, name ? undefined : 'start with: unet Name { ... }'));
    }
    return result(null);
  }
  const chain = r.chain(decl);
  if (!chain) return result(null);
  const spec = complete(decl, chain, text, r.diagnostics);
  return result(r.diagnostics.some((d) => d.severity === 'error') ? null : spec);
}

export type { Settings };
