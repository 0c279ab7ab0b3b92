// Every reference spec in specs/: the generated module has exactly the IR's parameter count
// (`totals.params`) and, at the smallest legal input size, the output shape the IR predicts.
// The 3D U-Net's smallest legal tile (92^3, 141 GFLOP) is too slow for the CPU here: its
// shape is checked on the same spec with every width divided by 16 (the shapes do not
// depend on widths), its parameter count at full width.
import { narrowed } from '../../helpers/narrowed.ts';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileSource } from '../../../src/language/compile.ts';
import { compileFile } from '../../../src/node/compile-file.ts';
import { formatDiagnostics } from '../../../src/language/diagnostics.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { predictedOutputDims } from '../../../src/app/verify-onnx.ts';
import { legalExtents } from '../../../src/language/shapes/legal.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { hasTorch, runPython, warnSkip } from './python.ts';

const SPECS = readdirSync('specs', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.unet'))
  .map((f) => join('specs', f))
  .sort();

/** Forward passes above this many FLOPs run on the narrowed spec instead. */
const FLOP_LIMIT = 20e9;

const COUNT_AND_RUN = `
import importlib, json, sys
import torch
torch.set_num_threads(2)
results = {}
for arg in sys.argv[1:]:
    case, size = arg.split("@")
    sys.path.insert(0, case)
    sys.modules.pop("model", None)
    model = importlib.import_module("model")
    net = model.build_model().eval()
    params = sum(p.numel() for p in net.parameters())
    shape = None
    if size:
        with torch.no_grad():
            shape = list(net(torch.rand([1, model.INPUT_CHANNELS] + [int(s) for s in size.split("x")])).shape)
    sys.path.pop(0)
    results[case] = {"params": params, "shape": shape}
print(json.dumps(results))
`;

function compile(path: string, text?: string): Model {
  const { model, diagnostics, sources } = text === undefined ? compileFile(path) : compileSource(text, path);
  if (!model) throw new Error(formatDiagnostics(diagnostics, sources));
  return model;
}


interface Case {
  path: string;
  model: Model;
  /** The model whose forward pass is run (the spec itself, or narrowed). */
  shapeModel: Model;
  size: number[];
}

const CASES: Case[] = SPECS.map((path) => {
  const model = compile(path);
  const size = Array<number>(model.dims).fill(legalExtents(model.legalSizes, 1)[0]!);
  const flops = withInputSize(model, size).totals.flops ?? Infinity;
  return { path, model, shapeModel: flops > FLOP_LIMIT ? narrowed(path, { divisor: 16, min: 1 }) : model, size };
});

describe('every spec: parameter count and output shape in PyTorch', () => {
  let results: Record<string, { params: number; shape: number[] | null }> = {};
  const dirs = new Map<string, { full: string; shape: string }>();

  beforeAll(() => {
    if (!hasTorch) return;
    const root = mkdtempSync(join(tmpdir(), 'unet-torch-specs-'));
    const args: string[] = [];
    CASES.forEach((c, i) => {
      const full = join(root, `spec${i}`);
      emitTorch(c.model, full, { origin: c.path });
      let shape = full;
      if (c.shapeModel !== c.model) {
        shape = join(root, `spec${i}-narrow`);
        emitTorch(c.shapeModel, shape, { origin: c.path });
        args.push(`${full}@`);
      }
      args.push(`${shape}@${c.size.join('x')}`);
      dirs.set(c.path, { full, shape });
    });
    results = runPython(COUNT_AND_RUN, root, args);
  }, 120_000);

  test('the reference specs are there', () => {
    expect(SPECS).toEqual(expect.arrayContaining(['specs/ronneberger2015.unet', 'specs/milesial.unet', 'specs/unet3d.unet']));
  });

  if (!hasTorch) warnSkip('the PyTorch spec tests');
  for (const c of CASES) {
    test.skipIf(!hasTorch)(`${c.path}: ${c.model.totals.params} parameters, output at ${c.size.join('x')}${c.shapeModel === c.model ? '' : ' (narrowed)'}`, () => {
      const { full, shape } = dirs.get(c.path)!;
      expect(results[full]!.params).toBe(c.model.totals.params);
      expect(results[shape]!.shape).toEqual(predictedOutputDims(c.shapeModel, 1, c.size));
    });
  }

  test.skipIf(!hasTorch)('published figures: the paper U-Net 31,030,658 and the PyTorch U-Net 31,037,698 parameters (docs/facts.md#reference-figures)', () => {
    const params = (name: string) => results[dirs.get(`specs/${name}.unet`)!.full]!.params;
    expect(params('ronneberger2015')).toBe(31_030_658);
    expect(params('milesial')).toBe(31_037_698);
    expect(params('milesial-bilinear')).toBe(17_263_042);
  });
});
