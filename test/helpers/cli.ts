// Runs the `unet` command line as a user would, from the sources (unet-sources.js), for the CLI tests.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const UNET = join(import.meta.dirname, 'unet-sources.js');
export const REPO = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `unet ...args` in `cwd` (the repository by default), with `env` over this process's; never throws on a non-zero exit. */
export async function runUnet(args: string[], cwd: string = REPO, env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [UNET, ...args], { cwd, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface BackgroundResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/**
 * `unet ...args`, a training that asks for `--epochs N`, in the background; `onEpoch1` gets the
 * process once its first epoch line is printed (to send it a signal); resolves when it exits.
 */
export function trainInBackground(args: string[], onEpoch1: (child: ChildProcess) => void, env: Record<string, string> = {}): Promise<BackgroundResult> {
  const epochs = args[args.indexOf('--epochs') + 1];
  if (!args.includes('--epochs') || epochs === undefined) throw new Error('trainInBackground: give --epochs N');
  const child = spawn(process.execPath, [UNET, ...args], { env: { ...process.env, ...env } });
  const firstEpoch = `epoch 1/${epochs}`;
  let stdout = '';
  child.stdout.on('data', (d) => {
    const first = !stdout.includes(firstEpoch);
    stdout += d;
    if (first && stdout.includes(firstEpoch)) onEpoch1(child);
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout })));
}
