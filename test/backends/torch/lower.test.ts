// The generated Python source without running PyTorch: deterministic bytes, every IR op
// lowered the way docs/ir.md and docs/facts.md#pytorch require, formatting, unsupported nodes reported
// together, atomic package writes, and a Python syntax check (any python3).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Model, OpName } from '../../../src/language/ir/types.ts';
import { emitTorch, packageFiles } from '../../../src/backends/torch/emit.ts';
import { className, lowerModule, pythonName, UnsupportedOpsError } from '../../../src/backends/torch/lower.ts';
import { modelSource } from '../../../src/backends/torch/module.ts';
import { opZoo, randomWeights, SWITCHED_ATTRIBUTES, tinySame, tinyValid, withUnknownValue } from '../../fixtures/onnx/models.ts';
import { zoo } from '../tfjs/zoo.ts';
import { PYTHON } from './python.ts';
import { TRAIN } from './train-config.ts';

const withTrain = (m: Model): Model => ({ ...m, train: TRAIN });

const MODELS: Model[] = [
  ...zoo(),
  opZoo(),
  tinyValid(),
  tinySame({ up: 'bilinear', norm: 'group', skip: 'attention', act: 'gelu' }),
  tinySame({ dims: 3, up: 'bilinear', norm: 'instance' }),
  tinySame({ dims: 3, up: 'align_corners', norm: 'batch' }),
].map(withTrain);

const source = (m: Model) => modelSource(m, m.name);
const find = (name: string) => MODELS.find((m) => m.name === name)!;

test('every IR op is lowered by at least one fixture', () => {
  const ops = new Set<OpName>(MODELS.flatMap((m) => m.nodes.map((n) => n.op)));
  const all: OpName[] = ['input', 'conv', 'conv_transpose', 'norm', 'activation', 'pool', 'global_avg_pool', 'upsample', 'pixel_shuffle', 'crop', 'concat', 'add', 'mul', 'dropout'];
  expect([...ops].sort()).toEqual([...all].sort());
  // One forward line per node (the input is the argument) plus the return.
  for (const m of MODELS) expect(lowerModule(m).forward).toHaveLength(m.nodes.length);
});

test('deterministic: the same IR and weights give the same bytes', () => {
  for (const m of MODELS) {
    const a = packageFiles(m, { origin: 'x', weights: randomWeights(m) });
    const b = packageFiles(structuredClone(m), { origin: 'x', weights: randomWeights(m) });
    expect([...a.keys()]).toEqual(['model.py', 'train.py', 'data.py', 'augment.py', 'weight_map.py', 'budget.py', 'README.md', 'ir.json', 'weights.json', 'weights.bin']);
    for (const [name, content] of a) expect(b.get(name), `${m.name}/${name}`).toEqual(content);
  }
});

test('formatting: 4-space indentation, no tabs, no trailing spaces, one final newline', () => {
  for (const m of MODELS) {
    const text = source(m);
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
    for (const line of text.split('\n')) {
      expect(line).not.toMatch(/\s$/);
      expect(line).not.toMatch(/\t/);
      expect(line.match(/^ */)![0].length % 4).toBe(0);
    }
  }
});

describe('op lowerings', () => {
  const zooSrc = source(find('op-zoo'));
  const validSrc = source(find('tiny-valid'));
  const unet3dSrc = source(find('unet3d'));

  test('conv: symmetric same padding via padding=, TensorFlow asymmetric/strided same via same_pad, valid 0', () => {
    expect(zooSrc).toContain('self.zoo_dilated = nn.Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=(2, 2), dilation=(2, 2), bias=True)');
    expect(zooSrc).toContain('zoo_strided = self.zoo_strided(same_pad(zoo_leaky, (3, 3), (2, 2), (1, 1)))');
    expect(zooSrc).toContain('zoo_even = self.zoo_even(same_pad(zoo_elu, (2, 2), (1, 1), (1, 1)))');
    expect(validSrc).toContain('self.enc1_conv1 = nn.Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0)');
    expect(validSrc).not.toContain('same_pad');
  });

  test('conv_transpose: tfjs same (out = in*s) crops k-s at the end', () => {
    expect(zooSrc).toContain('self.zoo_up = nn.ConvTranspose2d(6, 3, kernel_size=(3, 3), stride=(2, 2), bias=True)');
    expect(zooSrc).toContain('zoo_up = self.zoo_up(zoo_tanh)[:, :, :-1, :-1]');
    expect(unet3dSrc).toContain('nn.ConvTranspose3d(8, 4, kernel_size=(2, 2, 2), stride=(2, 2, 2), bias=True)');
  });

  test('norm: explicit epsilon and PyTorch-convention momentum; instance and group norm', () => {
    expect(source(find('transposed-batch'))).toContain('nn.BatchNorm2d(8, eps=0.00001, momentum=0.1)');
    expect(source(find('nearest-instance'))).toContain('nn.InstanceNorm2d(8, eps=0.00001, affine=True)');
    expect(source(find('bilinear-group'))).toContain('nn.GroupNorm(4, 8, eps=0.00001)');
    expect(unet3dSrc).toContain('nn.BatchNorm3d(4,');
  });

  test('activations: every function, gelu in its exact form, softmax over channels', () => {
    const text = source(find('activations'));
    for (const call of ['F.relu(', 'F.leaky_relu(act_relu, negative_slope=0.2)', 'F.elu(act_leaky_relu, alpha=1.0)', 'F.gelu(act_elu)', 'torch.sigmoid(', 'torch.tanh(', 'torch.softmax(act_tanh, dim=1)']) {
      expect(text).toContain(call);
    }
    expect(text).not.toContain('approximate');
  });

  test('upsample: nearest, align-corners, and asymmetric linear by hand; trilinear in 3D', () => {
    expect(source(find('nearest-instance'))).toContain("F.interpolate(enc1_conv_1, scale_factor=(2.0, 2.0), mode='nearest')".replace('enc1_conv_1', 'bottom_conv'));
    expect(source(find('align-corners-attention'))).toContain("mode='bilinear', align_corners=True)");
    expect(unet3dSrc).toContain("F.interpolate(bottom_act, scale_factor=(2.0, 2.0, 2.0), mode='trilinear', align_corners=True)");
    expect(unet3dSrc).toContain('dec1_asym = resize_linear_asymmetric(bottom_act, (2, 2, 2))');
    expect(source(find('bilinear-group'))).toContain('def resize_linear_asymmetric(');
    // Helpers only when used.
    expect(source(find('transposed-batch'))).not.toMatch(/def (resize_linear_asymmetric|depth_to_space|same_pad)/);
  });

  test('pixel shuffle in DCR order (not nn.PixelShuffle, which is CRD)', () => {
    const text = source(find('shuffle-se'));
    expect(text).toContain('dec1_up = depth_to_space(dec1_expand, 2)');
    expect(text).not.toContain('nn.PixelShuffle(');
    expect(unet3dSrc).toContain('dec1_shuffle = depth_to_space(bottom_act, 2)');
  });

  test('crop, concat, add, mul, global average pool, pool, dropout', () => {
    expect(validSrc).toContain('dec1_crop = enc1_act2[:, :, 4:-4, 4:-4]');
    expect(validSrc).toContain('dec1_skip = torch.cat([dec1_crop, dec1_up], dim=1)');
    expect(unet3dSrc).toContain('dec1_crop = enc1_act[:, :, 2:-2, 2:-2, 2:-2]');
    expect(unet3dSrc).toContain('self.down1 = nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2))');
    expect(zooSrc).toContain('self.zoo_avg = nn.AvgPool2d(kernel_size=(2, 2), stride=(2, 2))');
    expect(zooSrc).toContain('zoo_se_gap = zoo_avg.mean(dim=(2, 3), keepdim=True)');
    expect(zooSrc).toContain('zoo_se_mul = zoo_avg * zoo_se_act');
    expect(source(find('transposed-same-add'))).toContain('dec1_skip = enc1_act + dec1_up');
    expect(zooSrc).toContain('self.zoo_drop = nn.Dropout(p=0.5)');
    expect(zooSrc).toMatch(/return zoo_drop\n/);
  });

  test('golden files', async () => {
    await expect(zooSrc).toMatchFileSnapshot('./golden/op-zoo.model.py');
    await expect(unet3dSrc).toMatchFileSnapshot('./golden/unet3d.model.py');
  });
});

describe('names and errors', () => {
  test.each(SWITCHED_ATTRIBUTES)('an unknown %s %s is refused by name, not emitted as another', (op, attribute) => {
    expect(() => lowerModule(withUnknownValue(op, attribute))).toThrow(`unknown ${op} ${attribute}: "unknown"`);
  });

  test('Python names from node ids and model names', () => {
    expect(pythonName('enc1.conv1')).toBe('enc1_conv1');
    expect(pythonName('dec1.gate-psi')).toBe('dec1_gate_psi');
    expect(pythonName('1x')).toBe('n_1x');
    expect(pythonName('in')).toBe('in_');
    expect(className('ronneberger2015')).toBe('Ronneberger2015');
    expect(className('tiny-2d-valid')).toBe('Tiny2dValid');
  });

  test('node ids that map to the same Python name are refused', () => {
    const m = find('op-zoo');
    expect(() => lowerModule({ ...m, nodes: [m.nodes[0]!, { ...m.nodes[1]!, id: 'a.b' }, { ...m.nodes[2]!, id: 'a_b', inputs: ['a.b'] }] })).toThrow(/'a.b' and 'a_b' both map to the Python name 'a_b'/);
  });

  test('every unsupported node is reported at once, with its spec location', () => {
    const m = structuredClone(find('op-zoo'));
    for (const n of m.nodes) if (n.op === 'conv_transpose') Object.assign(n, { kernel: [1, 1] });
    const second = structuredClone(m.nodes.find((n) => n.op === 'conv_transpose')!);
    m.nodes.push({ ...second, id: 'zoo.up2', inputs: ['zoo.up'] });
    let error: unknown;
    try {
      lowerModule(m);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    expect((error as UnsupportedOpsError).problems.map((p) => p.nodeId)).toEqual(['zoo.up', 'zoo.up2']);
    expect((error as Error).message).toMatch(/the torch backend cannot express 2 node\(s\):\n  fixture\.unet:\d+:3: conv_transpose \(node zoo\.up\): same padding with kernel smaller than stride/);
  });
});

describe('the package', () => {
  test('written atomically: replaces its own earlier files, keeps the user\'s, leaves no temp files', () => {
    const root = mkdtempSync(join(tmpdir(), 'unet-torch-emit-'));
    const dir = join(root, 'pkg');
    const m = find('tiny-valid');
    expect(emitTorch(m, dir, { origin: 'a', weights: randomWeights(m) })).toEqual(['model.py', 'train.py', 'data.py', 'augment.py', 'weight_map.py', 'budget.py', 'README.md', 'ir.json', 'weights.json', 'weights.bin']);
    const index = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8'));
    expect(index.tensors['enc1_conv1.weight']).toEqual({ shape: [4, 1, 3, 3], offset: 0 });
    expect(readFileSync(join(dir, 'weights.bin')).length / 4).toBe(m.nodes.reduce((a, n) => a + n.params, 0));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    emitTorch(m, dir, { origin: 'b' });
    expect(readdirSync(root)).toEqual(['pkg']);
    // The weights were this command's own files and are no longer generated: gone. The user's notes stay.
    expect(readdirSync(dir).sort()).toEqual(['.unet-emit.json', 'README.md', 'augment.py', 'budget.py', 'data.py', 'ir.json', 'model.py', 'notes.txt', 'train.py', 'weight_map.py']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'model.py'), 'utf8')).toContain('from b.');
  });

  test('model.py, train.py and its data pipeline are valid Python (py_compile, no torch needed)', () => {
    if (spawnSync(PYTHON, ['--version'], { stdio: 'ignore' }).status !== 0) return;
    const root = mkdtempSync(join(tmpdir(), 'unet-torch-syntax-'));
    for (const m of MODELS) {
      const dir = join(root, pythonName(m.name));
      emitTorch(m, dir, { origin: m.name });
      const files = ['model.py', 'train.py', 'data.py', 'augment.py', 'weight_map.py', 'budget.py'];
      execFileSync(PYTHON, ['-m', 'py_compile', ...files.map((f) => join(dir, f))]);
    }
  });

  test('README says how to run on one GPU, several GPUs and several nodes', () => {
    const readme = packageFiles(find('unet3d'), { origin: 'specs/x.unet' }).get('README.md') as string;
    expect(readme).toContain('python train.py --data DIR');
    expect(readme).toContain('torchrun --nproc_per_node 4 train.py --data DIR');
    expect(readme).toMatch(/torchrun --nnodes 2 --nproc_per_node 4 --node_rank/);
    expect(readme).toContain('--export-onnx');
  });

  test('README gives the spec\'s time budget and says how a budget is spent', () => {
    const m = find('unet3d');
    const budgeted = packageFiles({ ...m, train: { ...m.train, time: 5400 } }, { origin: 'specs/x.unet' }).get('README.md') as string;
    expect(budgeted).toContain('for 1h30m of wall time (`time`; epochs are then no limit)');
    expect(budgeted).toContain('python train.py --data DIR --time 20m');
    expect(budgeted).toMatch(/`--resume --time 30m` trains on until 30 minutes in all/);
    const plain = packageFiles(m, { origin: 'specs/x.unet' }).get('README.md') as string;
    expect(plain).toContain(`, ${m.train.epochs} epochs, batch`);
  });
});
