// The one policy for every folder a command writes (`unet train --out`, `unet import
// --out`, `unet emit torch --out`, `unet serve --out`): a command writes only into a new or empty folder, or
// into a folder an earlier run of the same kind wrote, recognised by the marker file that
// command leaves there, and then replaces only the files it generates. Anything else (a
// user's folder, a plain file, `--out .`, a run of an earlier unet version without a
// marker) is refused before anything is touched. A marker is a claim by name, not a file
// name a user might also have (config.json, model/).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';

/** What a folder holds: a training run (train, import), a PyTorch package (emit torch) or the playground's static site (serve --out). */
export type OutputKind = 'run' | 'torch-package' | 'site';

interface Marker {
  kind: OutputKind;
  version: 1;
  /** The command that wrote the folder last. */
  command: string;
  /** The files that command generated (for a package: what the next emit may replace). */
  files: string[];
}

const MARKERS: Record<OutputKind, string> = { run: '.unet-run.json', 'torch-package': '.unet-emit.json', site: '.unet-site.json' };
const COMMANDS: Record<OutputKind, string> = { run: '`unet train` or `unet import`', 'torch-package': '`unet emit torch`', site: '`unet serve --out`' };
/** Files by which an earlier unet version's output (which had no marker) is recognised, to say so. */
const LEGACY: Record<OutputKind, string[]> = { run: ['config.json', 'ir.json'], 'torch-package': ['model.py', 'ir.json'], site: ['index.html', 'app.js'] };

export const markerPath = (dir: string, kind: OutputKind) => join(dir, MARKERS[kind]);

/** The marker of kind in dir, or null when there is none (or it is not ours). */
export function readMarker(dir: string, kind: OutputKind): Marker | null {
  const path = markerPath(dir, kind);
  if (!existsSync(path)) return null;
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Marker;
    return marker.kind === kind && Array.isArray(marker.files) ? marker : null;
  } catch {
    return null;
  }
}

/** Why `dir` may not receive output of `kind`, or null when it may (nothing is written). */
export function outDirRefusal(dir: string, kind: OutputKind, flag = '--out'): string | null {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) return null;
  if (!stat.isDirectory()) return `${flag} ${dir}: is a file, not a folder; nothing was changed. Give a new or empty folder.`;
  const entries = readdirSync(dir);
  if (entries.length === 0 || readMarker(dir, kind)) return null;
  const other = (Object.keys(MARKERS) as OutputKind[]).find((k) => k !== kind && entries.includes(MARKERS[k]));
  if (other) return `${flag} ${dir}: holds the output of ${COMMANDS[other]} (${MARKERS[other]}); nothing was changed. Give a new or empty folder.`;
  if (LEGACY[kind].every((f) => entries.includes(f))) {
    return (
      `${flag} ${dir}: looks like the output of an earlier unet version (${LEGACY[kind].join(' and ')}, but no ${MARKERS[kind]} marker), ` +
      `which unet does not overwrite; nothing was changed. Give a new folder${kind === 'run' ? ' (predict, eval, export and `train --init` still read the old run)' : ''}, or move the old one away.`
    );
  }
  return `${flag} ${dir}: is not empty and was not written by ${COMMANDS[kind]} (no ${MARKERS[kind]}); nothing was changed. Give a new or empty folder.`;
}

/** Throws the refusal of outDirRefusal, if any. */
export function assertOutDir(dir: string, kind: OutputKind, flag = '--out'): void {
  const refusal = outDirRefusal(dir, kind, flag);
  if (refusal !== null) throw new Error(refusal);
}

/**
 * Claims dir for kind (creating it) and records the files `command` generates there; files
 * of an earlier claim that this one does not list are removed (they were ours), nothing else.
 */
export function claimOutDir(dir: string, kind: OutputKind, command: string, files: string[], flag = '--out'): void {
  assertOutDir(dir, kind, flag);
  mkdirSync(dir, { recursive: true });
  const earlier = readMarker(dir, kind);
  const marker: Marker = { kind, version: 1, command, files: [...files].sort() };
  writeFileAtomic(markerPath(dir, kind), JSON.stringify(marker, null, 2) + '\n');
  for (const stale of earlier?.files.filter((f) => !files.includes(f)) ?? []) {
    // Only plain names of the earlier marker: a hand-edited marker cannot reach outside dir.
    if (/^[\w.-]+$/.test(stale) && stale !== '.' && stale !== '..') rmSync(join(dir, stale), { recursive: true, force: true });
  }
}
