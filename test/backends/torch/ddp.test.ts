// train.py under `torchrun --nproc_per_node 2` (gloo, CPU) on a tiny spec and tiny generated
// data: two optimizer steps, then both ranks' parameters must be identical (DDP averages
// the gradients), rank 0 alone writes the checkpoints, and --export-onnx writes opset 17.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { compileFile } from '../../../src/node/compile-file.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { hasImageReader, hasTorch, hasTorchrun, PYTHON, runPython, TORCHRUN, torchrunLocal } from './python.ts';
import { TRAIN } from './train-config.ts';
import { writeData } from './data.ts';

if (hasTorch && !hasTorchrun) console.warn(`skipping the torchrun test: ${TORCHRUN} is missing (it comes with Debian's python3-torch)`);
if (!hasTorch) console.warn("skipping the torchrun test: install Debian's python3-torch");

const SAME_PARAMETERS = `
import json, sys
import torch
a, b = (torch.load(p)["model"] for p in sys.argv[1:3])
keys = [k for k in a if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))]
print(json.dumps({"keys": len(keys), "maxDiff": max((a[k] - b[k]).abs().max().item() for k in keys),
                  "changed": any(True for k in keys if not torch.equal(a[k], torch.load(sys.argv[3])[k]))}))
`;

test.skipIf(!hasTorchrun || !hasImageReader)('torchrun --nproc_per_node 2: two steps, identical weights on both ranks, ONNX export', async () => {
  const root = mkdtempSync(join(tmpdir(), 'unet-torch-ddp-'));
  const { model } = compileFile('specs/ellipses.unet');
  const pkg = join(root, 'pkg');
  // A fixed train section: the test must not depend on edits to the spec's.
  emitTorch({ ...model!, train: TRAIN }, pkg, { origin: 'specs/ellipses.unet' });
  await writeData(join(root, 'data'), 6);
  const out = join(root, 'checkpoints');
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  // The initial weights, for "training changed them".
  execFileSync(PYTHON, ['-c', 'import torch, model; torch.manual_seed(7); torch.save(model.build_model().state_dict(), "initial.pt")'], { cwd: pkg, env });
  const log = execFileSync(
    TORCHRUN,
    [...torchrunLocal(2), 'train.py', '--data', join(root, 'data'), '--out', out, '--epochs', '2', '--steps', '2', '--batch', '2', '--backend', 'gloo', '--cpu', '--save-every-rank', '--export-onnx', join(root, 'model.onnx')],
    { cwd: pkg, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  expect(log).toMatch(/2 process\(es\)/);
  expect(log).toMatch(/epoch 1\/2/);
  const result = runPython<{ keys: number; maxDiff: number; changed: boolean }>(SAME_PARAMETERS, pkg, [join(out, 'final-rank0.pt'), join(out, 'final-rank1.pt'), 'initial.pt']);
  expect(result.keys).toBeGreaterThan(0);
  expect(result.maxDiff).toBe(0);
  expect(result.changed).toBe(true);
  expect(existsSync(join(out, 'last.pt'))).toBe(true);
  expect(existsSync(join(root, 'model.onnx'))).toBe(true);
  if (spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status !== 0) return;
  const check = 'import json, sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(json.dumps([o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]))';
  expect(runPython<number[]>(check, root, [join(root, 'model.onnx')])).toEqual([17]);
}, 120_000);
