// Every reference spec compiles without errors and gives the figures its source publishes
// or that an independent layer-by-layer count gives; `unet check --json` is checked through
// the real CLI, since scripts depend on that contract.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { UNET } from '../helpers/cli.ts';
import { compileFile } from '../../src/node/compile-file.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import { compile, SPECS } from './helpers.ts';

const dims = (shape: { channels: number; size: (number | null)[] }) => [shape.channels, ...shape.size];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('every spec compiles without errors', () => {
  test('the reference specs are there', () => {
    expect(SPECS).toEqual(expect.arrayContaining(['specs/ronneberger2015.unet', 'specs/milesial.unet', 'specs/keras.unet', 'specs/unet3d.unet', 'specs/ablations/no-skips.unet']));
  });
  for (const path of SPECS)
    test(path, () => {
      const { model, diagnostics, sources } = compileFile(path);
      expect(formatDiagnostics(diagnostics.filter((d) => d.severity === 'error'), sources)).toBe('');
      expect(model).not.toBeNull();
    });
});

describe('published figures', () => {
  test('ronneberger2015: the paper, Fig. 1', () => {
    const m = compile('specs/ronneberger2015.unet');
    expect(m.totals.params).toBe(31_030_658);
    expect(dims(m.input)).toEqual([1, 572, 572]);
    expect(dims(m.output)).toEqual([2, 388, 388]);
    expect(m.totals.convLayers).toBe(23);
    expect(m.legalSizes).toEqual({ min: 188, modulus: 16, residues: [12] });
  });

  test('milesial and milesial-bilinear: torchinfo of milesial/Pytorch-UNet', () => {
    expect(compile('specs/milesial.unet').totals.params).toBe(31_037_698);
    expect(compile('specs/milesial-bilinear.unet').totals.params).toBe(17_263_042);
  });

  test('keras: zhixuhao/unet model.py, counted layer by layer', () => {
    const f = [64, 128, 256, 512, 1024];
    const conv3 = (cin: number, cout: number) => 9 * cin * cout + cout;
    const encoder = sum(f.map((c, i) => conv3(i === 0 ? 1 : f[i - 1]!, c) + conv3(c, c)));
    // up{l}: UpSampling2D + Conv2D(f, 2); then two 3x3 convs on the concatenation.
    const decoder = sum([3, 2, 1, 0].map((l) => 4 * f[l + 1]! * f[l]! + f[l]! + conv3(2 * f[l]!, f[l]!) + conv3(f[l]!, f[l]!)));
    const head = conv3(64, 2) + (2 * 1 + 1); // conv9 = Conv2D(2, 3); conv10 = Conv2D(1, 1, sigmoid)
    const total = encoder + decoder + head;
    expect(total).toBe(31_031_685); // the figure model.summary() prints
    expect(compile('specs/keras.unet').totals.params).toBe(total);
  });

  test('unet3d: Cicek et al. 2016, 116x132x132 in, 28x44x44 out', () => {
    const m = compile('specs/unet3d.unet');
    expect(dims(m.input)).toEqual([3, 116, 132, 132]);
    expect(dims(m.output)).toEqual([3, 28, 44, 44]);
  });

  test('unet3d: the paper\'s 19,069,955 parameters, counted its way (conv biases, no norm affine, up-convs without bias)', () => {
    const m = compile('specs/unet3d.unet');
    let paper = m.totals.params;
    for (const n of m.nodes) {
      if (n.op === 'norm') paper -= n.params; // Caffe's BatchNorm layer has no scale and shift
      if (n.op === 'conv' && !n.bias) paper += n.filters; // the released model's convs have biases
      if (n.op === 'conv_transpose' && n.bias) paper -= n.filters; // its up-convolutions do not
    }
    expect(m.totals.params).toBe(19_073_187);
    expect(paper).toBe(19_069_955); // Cicek et al. 2016, sec. 2
  });
});

/** The PyTorch U-Net (milesial/Pytorch-UNet, unet_parts.py) counted by hand: base b, depth d, input channels 3, 2 classes. */
function pytorchUnetParams(b: number, d: number, skips: boolean, classes = 2, inChannels = 3): number {
  const f = Array.from({ length: d + 1 }, (_, i) => b * 2 ** i);
  // DoubleConv(in, out, mid): two 3x3 convs without bias, each followed by BatchNorm (weight + bias).
  const doubleConv = (cin: number, cout: number, mid = cout) => 9 * cin * mid + 2 * mid + 9 * mid * cout + 2 * cout;
  const convTranspose = (cin: number) => 4 * cin * (cin / 2) + cin / 2;
  let total = doubleConv(inChannels, f[0]!);
  for (let i = 1; i <= d; i++) total += doubleConv(f[i - 1]!, f[i]!);
  for (let l = d - 1; l >= 0; l--) total += convTranspose(f[l + 1]!) + doubleConv(skips ? f[l + 1]! : f[l]!, f[l]!);
  return total + f[0]! * classes + classes; // OutConv: a 1x1 conv with bias
}

describe('ablations, against the hand count of the PyTorch U-Net', () => {
  test('the hand count gives the published full-size figure', () => {
    expect(pytorchUnetParams(64, 4, true)).toBe(31_037_698);
  });
  test.each([
    ['specs/ablations/half-channels.unet', 32, 4, true],
    ['specs/ablations/no-skips.unet', 64, 4, false],
    ['specs/ablations/one-level-less.unet', 64, 3, true],
  ] as const)('%s', (path, base, depth, skips) => {
    expect(compile(path).totals.params).toBe(pytorchUnetParams(base, depth, skips));
  });
});

describe('the `unet check` CLI', () => {
  const unet = (...args: string[]) => spawnSync(process.execPath, [UNET, 'check', ...args], { encoding: 'utf8' });

  test('--json reports the figures and no diagnostics', () => {
    const run = unet('specs/ronneberger2015.unet', '--json');
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ params: 31_030_658, input: [1, 572, 572], output: [2, 388, 388], diagnostics: [] });
  });

  test('an illegal --input exits 1 and names the nearest legal sizes', () => {
    const run = unet('specs/ronneberger2015.unet', '--input', '1x570x570');
    expect(run.status).toBe(1);
    const text = run.stdout + run.stderr;
    expect(text).toMatch(/570 is not legal/);
    expect(text).toMatch(/556 and 572/);
  });
});
