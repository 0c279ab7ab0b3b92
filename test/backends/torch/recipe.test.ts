// The data pipeline of the generated package (data.py, augment.py, weight_map.py) against our
// src/data on the same inputs: the U-Net weight map, the geometric transform with elastic
// deformation (same coarse displacements, same flips/turns/rotation/shift), the split and the
// dataset normalisation; plus the properties that need no reference: zero displacement is the
// identity, labels stay labels, and the same seed prepares the same sample.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { IDENTITY, transformSample, type GeometricTransform } from '../../../src/data/augment.ts';
import { elasticDisplacement } from '../../../src/data/elastic.ts';
import { fitNormalizer } from '../../../src/data/normalize.ts';
import { Random } from '../../../src/data/random.ts';
import { splitDataset } from '../../../src/data/split.ts';
import type { Image2D, Mask2D } from '../../../src/data/types.ts';
import { unetWeightMap } from '../../../src/data/weight-map.ts';
import { emitTorch } from '../../../src/backends/torch/emit.ts';
import { tinySame } from '../../fixtures/onnx/models.ts';
import { hasScipy, hasTorch, runPython, warnSkip, warnSkipScipy } from './python.ts';
import { TRAIN } from './train-config.ts';

let pkg = '';
beforeAll(() => {
  pkg = join(mkdtempSync(join(tmpdir(), 'unet-torch-recipe-')), 'pkg');
  emitTorch({ ...tinySame(), train: TRAIN }, pkg, { origin: 'recipe test' });
});

/** Writes a JSON input for a Python check into the package; returns its path. */
function input(name: string, value: unknown): string {
  const path = join(pkg, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/**
 * Touching cells as in EM slices: a Voronoi partition of the image whose region borders are
 * one-pixel membranes (class 0) between cells (class 1), plus `rare` pixels of class 2.
 */
function cellMask(height: number, width: number, cells: number, seed: number, rare = 0): Mask2D {
  const random = new Random(seed);
  const centres = Array.from({ length: cells }, () => [random.uniform(0, height), random.uniform(0, width)]);
  const region = new Int32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = centres.map(([cy, cx]) => (y - cy) ** 2 + (x - cx) ** 2);
      region[y * width + x] = d.indexOf(Math.min(...d));
    }
  }
  const data = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const border = (x + 1 < width && region[i + 1] !== region[i]) || (y + 1 < height && region[i + width] !== region[i]);
      data[i] = border ? 0 : 1;
    }
  }
  for (let k = 0; k < rare; k++) data[Math.floor(random.uniform(0, height * width))] = 2;
  return { height, width, data };
}

const WEIGHT_MAP = `
import json, sys
from weight_map import unet_weight_map
import numpy as np
case = json.load(open(sys.argv[1]))
mask = np.array(case["data"]).reshape(case["height"], case["width"])
w = unet_weight_map(mask, case["classes"], case["w0"], case["sigma"], case["cellClass"])
print(json.dumps(w.ravel().tolist()))
`;

if (!hasTorch) warnSkip('the data pipeline tests of the generated package');
warnSkipScipy('the weight-map tests');

describe('weight_map.py equals src/data/weight-map.ts', () => {
  const cases = [
    { name: 'touching cells, the paper\'s w0 10 and sigma 5', mask: cellMask(40, 48, 9, 1), classes: 2, w0: 10, sigma: 5, cellClass: 1 },
    // sigma 2: a margin of 8 px, smaller than the image, so the per-cell windows are exercised.
    { name: 'many small cells, w0 5, sigma 2', mask: cellMask(64, 56, 30, 2), classes: 2, w0: 5, sigma: 2, cellClass: 1 },
    { name: 'cells of class 0 (ISBI 2012 with maskValues [255, 0]), a rare third class', mask: cellMask(32, 32, 6, 3, 5), classes: 3, w0: 10, sigma: 5, cellClass: 0 },
  ];
  for (const c of cases) {
    test.skipIf(!hasScipy)(c.name, () => {
      const ours = unetWeightMap(c.mask, c.classes, { w0: c.w0, sigma: c.sigma, cellClass: c.cellClass });
      const path = input('weight-map.json', { ...c, height: c.mask.height, width: c.mask.width, data: [...c.mask.data] });
      const theirs = runPython<number[]>(WEIGHT_MAP, pkg, [path]);
      const max = Math.max(...ours);
      const diff = Math.max(...theirs.map((w, i) => Math.abs(w - ours[i])));
      expect(theirs).toHaveLength(ours.length);
      expect(max).toBeGreaterThan(c.w0 * 0.5); // the border term is there
      expect(diff / max).toBeLessThan(1e-6);
    });
  }
});

// The transform of augment.ts, made explicit: turn, flip, rotation, shift, elastic field.
const TRANSFORM = `
import json, sys, torch
from augment import IDENTITY, Transform, elastic_displacement, transform_sample
case = json.load(open(sys.argv[1]))
h, w = case["height"], case["width"]
image = torch.tensor(case["image"], dtype=torch.float32).reshape(h, w, case["channels"]).permute(2, 0, 1)
mask = torch.tensor(case["mask"]).reshape(h, w)
t = case["transform"]
out_h, out_w = (w, h) if t["rot90"] % 2 else (h, w)
g = case["grid"]
coarse = torch.tensor(case["coarse"], dtype=torch.float64)
field = elastic_displacement(out_h, out_w, coarse[:g * g].reshape(g, g), coarse[g * g:].reshape(g, g))
t = Transform(t["flipX"], t["flipY"], t["rot90"], t["angle"], t["shiftY"], t["shiftX"], field)
zero = IDENTITY._replace(displacement=elastic_displacement(h, w, torch.zeros(g, g), torch.zeros(g, g)))
still_image, still_mask = transform_sample(image, mask, zero)
image, mask = transform_sample(image, mask, t)
print(json.dumps({"image": image.permute(1, 2, 0).flatten().tolist(), "mask": mask.flatten().tolist(),
                  "dy": field[0].flatten().tolist(), "dx": field[1].flatten().tolist(),
                  "identity": bool(torch.equal(still_image, torch.tensor(case["image"], dtype=torch.float32).reshape(h, w, -1).permute(2, 0, 1))
                                   and torch.equal(still_mask, torch.tensor(case["mask"]).reshape(h, w)))}))
`;

/** A Random whose normal() returns preset values: our elastic field from given coarse displacements. */
function presetNormals(values: number[]): Random {
  let i = 0;
  return { normal: (mean = 0, std = 1) => mean + std * values[i++]! } as unknown as Random;
}

describe('augment.py equals src/data/augment.ts', () => {
  const [height, width, channels, grid] = [24, 30, 2, 3];
  const random = new Random(9);
  const image: Image2D = { height, width, channels, data: Float32Array.from({ length: height * width * channels }, () => random.uniform()) };
  const mask = cellMask(height, width, 5, 4, 5);
  const coarse = Array.from({ length: 2 * grid * grid }, () => random.normal(0, 10));
  const transforms: [string, Omit<GeometricTransform, 'displacement'>][] = [
    ['elastic alone', { ...IDENTITY }],
    ['elastic, a quarter turn, a flip, rotation and shift', { flipX: true, flipY: false, rot90: 1, angle: 0.2, shiftY: 1.5, shiftX: -2.25 }],
    ['elastic, a half turn, both flips, rotation and shift', { flipX: true, flipY: true, rot90: 2, angle: -0.35, shiftY: -3, shiftX: 0.5 }],
  ];
  for (const [name, t] of transforms) {
    test.skipIf(!hasTorch)(name, () => {
      const [outH, outW] = t.rot90 % 2 ? [width, height] : [height, width];
      const displacement = elasticDisplacement(outH, outW, grid, 1, presetNormals(coarse));
      const ours = transformSample({ name: 'x', image, mask }, { ...t, displacement });
      const path = input('transform.json', { height, width, channels, grid, coarse, image: [...image.data], mask: [...mask.data], transform: t });
      const theirs = runPython<{ image: number[]; mask: number[]; dy: number[]; dx: number[]; identity: boolean }>(TRANSFORM, pkg, [path]);
      const maxDiff = (a: number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      expect(maxDiff(theirs.dy, displacement.dy)).toBeLessThan(1e-4);
      expect(maxDiff(theirs.dx, displacement.dx)).toBeLessThan(1e-4);
      expect(Math.max(...displacement.dy.map(Math.abs))).toBeGreaterThan(2); // a real deformation
      expect(maxDiff(theirs.image, ours.image.data)).toBeLessThan(1e-4);
      expect(theirs.mask).toEqual([...ours.mask.data]);
      // Zero displacement (and no other change) is the identity, bit for bit.
      expect(theirs.identity).toBe(true);
    });
  }
});

const PREPARE = `
import json, sys, torch
from data import Normalizer, Segmentation
g = torch.Generator().manual_seed(3)
image = torch.rand((1, 40, 40), generator=g)
label = (torch.rand((40, 40), generator=g) * 3).long()
config = {"elastic": {"grid": 3, "sigma": 10}, "flip": True, "rotate90": True, "rotate": 30, "shift": 0.1,
          "brightness": 0.1, "contrast": 0.1, "gamma": 0.1}
def prepared(seed, epoch):
    ds = Segmentation([image], [label], [7], train=True, augment_config=config, crop_size=[24, 24],
                      output_sizes={(24, 24): [20, 20]}, normalize=Normalizer("unit"), weight_map=None,
                      seed=seed)
    ds.epoch = epoch
    return ds[0]
a, b, c, d = prepared(5, 2), prepared(5, 2), prepared(5, 3), prepared(6, 2)
same = lambda x, y: torch.equal(x["image"], y["image"]) and torch.equal(x["label"], y["label"])
print(json.dumps({"same": same(a, b), "otherEpoch": same(a, c), "otherSeed": same(a, d),
                  "shapes": [list(a["image"].shape), list(a["label"].shape)],
                  "labels": sorted(set(torch.cat([x["label"].flatten() for x in (a, c, d)]).tolist()))}))
`;

test.skipIf(!hasTorch)('data.py: the same seed prepares the same sample; labels stay in the class set', () => {
  const r = runPython<{ same: boolean; otherEpoch: boolean; otherSeed: boolean; shapes: number[][]; labels: number[] }>(PREPARE, pkg);
  expect(r.same).toBe(true);
  expect(r.otherEpoch).toBe(false);
  expect(r.otherSeed).toBe(false);
  expect(r.shapes).toEqual([[1, 24, 24], [20, 20]]); // input window, output window
  expect(r.labels).toEqual([0, 1, 2]);
});

const SPLIT_AND_NORMALIZE = `
import json, sys, torch
from data import Normalizer, split_indices
case = json.load(open(sys.argv[1]))
splits = [list(split_indices(n, f, seed)) for n, f, seed in case["splits"]]
images = [torch.tensor(im, dtype=torch.float32).reshape(case["height"], case["width"], 2).permute(2, 0, 1) for im in case["images"]]
n = Normalizer.fit("dataset", images)
print(json.dumps({"splits": splits, "mean": n.mean, "std": n.std}))
`;

test.skipIf(!hasTorch)('data.py: the same train/validation split and dataset statistics as ours', () => {
  const splits: [number, number, number][] = [[20, 0.2, 7], [5, 0.2, 7], [33, 0.3, 123456], [10, 0.5, 0]];
  const random = new Random(2);
  const images: Image2D[] = [0, 1, 2].map(() => ({ height: 6, width: 5, channels: 2, data: Float32Array.from({ length: 60 }, () => random.uniform()) }));
  const path = input('split.json', { splits, height: 6, width: 5, images: images.map((im) => [...im.data]) });
  const theirs = runPython<{ splits: number[][][]; mean: number[]; std: number[] }>(SPLIT_AND_NORMALIZE, pkg, [path]);
  const indices = (n: number) => Array.from({ length: n }, (_, i) => i);
  expect(theirs.splits).toEqual(splits.map(([n, f, seed]) => {
    const s = splitDataset(indices(n), f, seed);
    return [s.train, s.val];
  }));
  const ours = fitNormalizer('dataset', images);
  ours.mean!.forEach((m, c) => expect(theirs.mean[c]).toBeCloseTo(m, 6));
  ours.std!.forEach((s, c) => expect(theirs.std[c]).toBeCloseTo(s, 6));
});
