// Shared by the torch tests: Debian's python3-torch (CPU PyTorch 1.13), when installed.
// The generated packages are run with /usr/bin/python3, not a pyenv python on PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const TORCHRUN = '/usr/bin/torchrun';

/**
 * torchrun's flags for N processes on this machine, before the script. Not `--standalone`: its
 * rendezvous store listens on the fixed port 29400, so two runs at once (vitest runs test files
 * in parallel) fail to connect; port 0 lets the store take a free one. And torchrun of PyTorch
 * 1.13 under Python 3.11 (Debian 12) parses its default '--redirects 0' and '--tee 0' as None
 * (IntFlag no longer iterates the zero member) and fails in to_map: pass nonzero values (stdout
 * teed to the console and log files).
 */
export function torchrunLocal(processes: number): string[] {
  return ['--rdzv_backend', 'c10d', '--rdzv_endpoint', 'localhost:0', '--nnodes', '1', '--nproc_per_node', String(processes), '--redirects', '1', '--tee', '1'];
}

export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
export const hasTorchrun = hasTorch && existsSync(TORCHRUN);
/** train.py reads images with Pillow (Debian's python3-pil), else torchvision. */
export const hasImageReader =
  hasTorch && ['import PIL, numpy', 'import torchvision'].some((s) => spawnSync(PYTHON, ['-c', s], { stdio: 'ignore' }).status === 0);
if (hasTorch && !hasImageReader) console.warn("skipping the train.py tests: neither Pillow nor torchvision imports; install Debian's python3-pil");

/** weighted_ce's weight map (weight_map.py) needs scipy.ndimage (Debian's python3-scipy). */
export const hasScipy = hasTorch && spawnSync(PYTHON, ['-c', 'import scipy.ndimage'], { stdio: 'ignore' }).status === 0;

/** Says which package to install when the weight-map tests skip. */
export function warnSkipScipy(what: string): void {
  if (hasTorch && !hasScipy) console.warn(`skipping ${what}: '${PYTHON} -c "import scipy.ndimage"' fails; install Debian's python3-scipy (apt-get install -y python3-scipy)`);
}

export function warnSkip(what: string): void {
  if (!hasTorch) console.warn(`skipping ${what}: '${PYTHON} -c "import torch"' fails; install Debian's python3-torch (apt-get install -y python3-torch python3-numpy)`);
}

/** Runs a Python script (in `cwd`, so `import model` finds the package) and parses its last stdout line as JSON. */
export function runPython<T>(script: string, cwd: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', script, ...args], { cwd, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' }, maxBuffer: 1 << 26 });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
