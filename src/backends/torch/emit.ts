// The PyTorch package of `unet emit torch`: model.py (the nn.Module), train.py (single
// process or torchrun/DistributedDataParallel) with its data pipeline (data.py, augment.py,
// weight_map.py: the same recipe as `unet train`) and time budget (budget.py), README.md, ir.json, and optionally the
// weights (weights.json + weights.bin, PyTorch layouts) and a run's normalisation
// (normalizer.json). Written under the output-directory policy (src/io/out-dir.ts): into a
// new or empty folder or an earlier package, replacing only the package's own files, each
// atomically (src/io/atomic.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Normalizer } from '../../data/normalize.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { claimOutDir } from '../../io/out-dir.ts';
import type { Model, TrainConfig } from '../../language/ir/types.ts';
import type { ModelWeights, NodeWeights } from '../../language/ir/weights.ts';
import { formatDuration } from '../../language/spec/duration.ts';
import { markdownCode } from './escape.ts';
import { lowerModule } from './lower.ts';
import { modelSource } from './module.ts';

/** The fixed Python files of every package: the training script and its data pipeline. */
const TEMPLATES = ['train.py', 'data.py', 'augment.py', 'weight_map.py', 'budget.py'].map(
  (name) => [name, readFileSync(new URL(`./templates/${name}`, import.meta.url), 'utf8')] as const,
);

/** PyTorch state-dict suffix of each weight (ONNX layouts are PyTorch's layouts). */
const STATE_NAMES: Record<keyof NodeWeights, string> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  mean: 'running_mean',
  variance: 'running_var',
};

export interface EmitOptions {
  /** Where the model came from, for the header of model.py (a spec path or a run dir). */
  origin: string;
  /** Weights to ship (seeded or trained), keyed by node id, in ONNX/PyTorch layouts. */
  weights?: ModelWeights;
  /** A run's fitted input normalisation (config.json), shipped as normalizer.json for train.py. */
  normalizer?: Normalizer;
}

/** weights.json (state-dict key -> shape and float offset) and weights.bin (float32 LE). */
export function weightFiles(model: Model, weights: ModelWeights): { index: string; data: Uint8Array } {
  const { attributes } = lowerModule(model);
  const tensors: Record<string, { shape: number[]; offset: number }> = {};
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const node of model.nodes) {
    const attr = attributes.get(node.id);
    const w = weights.get(node.id);
    if (attr === undefined || w === undefined) continue;
    for (const key of Object.keys(STATE_NAMES) as (keyof NodeWeights)[]) {
      const array = w[key];
      if (!array) continue;
      tensors[`${attr}.${STATE_NAMES[key]}`] = { shape: array.shape, offset };
      chunks.push(array.data);
      offset += array.data.length;
    }
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  // Float32Array is host-endian; every platform Node supports here is little endian.
  return { index: JSON.stringify({ format: 'float32-le', tensors }, null, 2) + '\n', data: new Uint8Array(all.buffer) };
}

/** Every file of the package, name -> content (deterministic). */
export function packageFiles(model: Model, options: EmitOptions): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  files.set('model.py', modelSource(model, options.origin));
  for (const [name, text] of TEMPLATES) files.set(name, text);
  files.set('README.md', readme(model, options));
  files.set('ir.json', JSON.stringify(model, null, 2) + '\n');
  if (options.normalizer) files.set('normalizer.json', JSON.stringify(options.normalizer, null, 2) + '\n');
  if (options.weights) {
    const { index, data } = weightFiles(model, options.weights);
    files.set('weights.json', index);
    files.set('weights.bin', data);
  }
  return files;
}

/**
 * Writes the package into dir: a new or empty folder or an earlier package (its marker
 * .unet-emit.json); other folders and files are refused untouched. Files of an earlier
 * package that this one lacks (weights of an emit with weights) are removed; nothing else.
 */
export function emitTorch(model: Model, dir: string, options: EmitOptions): string[] {
  const files = packageFiles(model, options);
  claimOutDir(dir, 'torch-package', 'emit torch', [...files.keys()]);
  for (const [name, content] of files) writeFileAtomic(join(dir, name), content);
  return [...files.keys()];
}

/** What train.py does with the spec's augment block, in words. */
function augmentSummary(a: TrainConfig['augment']): string {
  const parts = [
    a.elastic && `elastic deformation (${a.elastic.grid}x${a.elastic.grid} grid, ${a.elastic.sigma} px)`,
    a.flip && 'flips',
    a.rotate90 && 'quarter turns',
    a.rotate > 0 && `rotation up to ${a.rotate} degrees`,
    a.shift > 0 && `shifts up to ${a.shift} of the size`,
    a.brightness > 0 && `brightness ${a.brightness}`,
    a.contrast > 0 && `contrast ${a.contrast}`,
    a.gamma > 0 && `gamma ${a.gamma}`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function readme(model: Model, options: EmitOptions): string {
  const t = model.train;
  const weights = options.weights
    ? 'weights.json + weights.bin hold the weights it was emitted with; train.py starts from them (`--no-weights` for a fresh start), and `load_weights(model, DIR)` in model.py loads them.'
    : 'No weights are shipped: training starts from PyTorch\'s default initialisation.';
  const map = t.weightMap ?? { w0: 10, sigma: 5, cellClass: 1 };
  const loss = t.loss === 'weighted_ce'
    ? `\`weighted_ce\` with the U-Net paper's weight map (w0 ${map.w0}, sigma ${map.sigma} px, cells of class ${map.cellClass})`
    : `\`${t.loss}\``;
  const length = t.time === undefined ? `${t.epochs} epochs` : `for ${formatDuration(t.time)} of wall time (\`time\`; epochs are then no limit)`;
  const normalizer = options.normalizer
    ? `- \`normalizer.json\`: the input normalisation of the run it was emitted from (\`${options.normalizer.mode}\`), which train.py uses instead of fitting its own.\n`
    : '';
  return `# ${markdownCode(model.name)} in PyTorch

Generated by \`unet emit torch\` from ${markdownCode(options.origin)}: ${model.dims}D, ${model.input.channels} input channel(s),
${model.classes} class(es), ${model.totals.params} parameters, ${model.padding} padding. Legal input
sizes per spatial axis: at least ${model.legalSizes.min} and size % ${model.legalSizes.modulus} in [${model.legalSizes.residues.join(', ')}].

- \`model.py\`: the network (\`build_model()\`), needs only \`torch\`. ${weights}
- \`train.py\`: training on \`DIR/images\` + \`DIR/masks\` (matching file stems; PNG/TIFF/JPEG read with
  Pillow, else torchvision) with the spec's recipe, as \`unet train\` trains it:
  - loss ${loss};
  - optimizer \`${t.optimizer.kind}\` (lr ${t.optimizer.lr}), schedule \`${t.schedule.kind}\`, ${length}, batch ${t.batch} per process;
  - crop ${t.crop ? t.crop.join('x') : 'none (whole images)'}, normalisation \`${t.normalize}\`, validation ${t.valSplit} of the images;
  - augmentation: ${augmentSummary(t.augment)}.
- \`data.py\`, \`augment.py\`, \`weight_map.py\`: its data pipeline, the same definitions as unet-dsl's
  src/data (augmentation, crops, normalisation, weight map).
- \`budget.py\`: the rules of a time budget (below), the same as \`unet train --time\`'s.
${normalizer}- \`ir.json\`: the IR the model was generated from.

Requirements: Python 3.8+, PyTorch >= 1.13, Pillow and numpy (or torchvision), and scipy for
\`weighted_ce\`. On Debian: \`apt-get install python3-torch python3-pil python3-numpy python3-scipy\`.

## One GPU (or the CPU)

    python train.py --data DIR --out checkpoints

CUDA is used when available, with automatic mixed precision; \`--cpu\` forces the CPU.
Rank 0 writes \`checkpoints/last.pt\` after every epoch and \`best.pt\` at the best validation Dice
(each written to a temp file and renamed). They hold the model, optimizer, schedule and
gradient-scaler state, the epoch, the RNG state and the normalisation (\`normalizer\`: apply it to
inputs at prediction time).

    python train.py --data DIR --out checkpoints --resume

continues from \`last.pt\`: a run resumed after epoch k ends with the same weights as a
straight run (same seed, same machine). Each sample's augmentation and crop are drawn from
a generator seeded by (seed, epoch, image), so they do not depend on \`--workers\` or ranks.
Augmentation and weight maps are CPU work: \`--workers N\` prepares samples in N processes.

## A time budget

    python train.py --data DIR --time 20m

trains for 20 minutes of wall time (seconds, or a duration such as 90s, 20m, 1h30m; the default is
the spec's \`time\`, else none) whatever \`--epochs\` says: the run ends after the first optimizer
step that ends past the budget, validates and writes \`last.pt\` as after an epoch, and exits 0.
\`cosine\` and \`poly\` set the rate before every step from the elapsed fraction of the budget (the
formulas of \`unet train\`), \`plateau\` steps after each validation, \`constant\` stays. Epochs
validate when due: the first and the last, and in between while validation and checkpoints have
taken at most 2 % of the time. \`last.pt\` holds the seconds spent (\`elapsed\`), so
\`--resume --time 30m\` trains on until 30 minutes in all. Under torchrun, rank 0's clock decides
for every rank (one broadcast per step): all ranks use the same rate and stop at the same step.

## How a sample is prepared (as \`unet train\` does)

1. The image is read and scaled to [0, 1] by its bit depth; mask values become class indices.
2. Training only: one random geometric transform of image and mask alike: quarter turns, flips,
   rotation and shift about the centre, and the U-Net paper's elastic deformation (Gaussian
   displacements on a coarse grid, bicubic (Catmull-Rom) interpolation to every pixel); the image
   is resampled bicubically, the mask by nearest neighbour, both mirrored beyond the border.
   Then gamma, contrast and brightness change the image.
3. The window: a random crop (fixed per image for validation) whose label window is the
   network's output window (smaller with valid padding), the image mirrored beyond its border.
4. Normalisation of the image window (\`unit\`, \`image\` or \`dataset\` mean/std per channel).
5. \`weighted_ce\`: the weight map w = w_c + w0 exp(-(d1 + d2)^2 / (2 sigma^2)) of the label
   window (class balance of that window, cells = 4-connected components of the cell class,
   distances with scipy.ndimage).

## Several GPUs on one machine

    torchrun --nproc_per_node 4 train.py --data DIR

One process per GPU with DistributedDataParallel (NCCL) and a DistributedSampler; \`--batch\` is
per process, so the global batch is 4x. \`--sync-bn\` synchronises batch-norm statistics.
Without GPUs the same command runs CPU processes with the gloo backend. With PyTorch 1.13 on
Python 3.11 (Debian 12), torchrun fails at start-up in \`to_map\` ('NoneType' object has no
attribute 'get'): add \`--redirects 1 --tee 1\`. \`--resume\` makes every process read
\`last.pt\` (rank 0's).

## Several nodes

On every node (here 2 nodes with 4 GPUs each; \`HOST\` is node 0's address):

    torchrun --nnodes 2 --nproc_per_node 4 --node_rank <0 or 1> \\
        --rdzv_backend c10d --rdzv_endpoint HOST:29500 train.py --data DIR

The data folder must be readable on every node (and \`--out\` too, for \`--resume\`).

## ONNX

    python train.py --data DIR --export-onnx model.onnx

exports the trained weights with \`torch.onnx.export\` at opset 17 (dynamic batch axis).

## Not the same as \`unet train\`

The train/validation split is the same as \`unet train\`'s for the same seed, but the random
numbers of augmentation and crops come from PyTorch's generator: the same distributions, not
the same draws. Images whose channel count differs from the network's are converted here
(\`unet train\` refuses them). 3D data loading is not done here.
`;
}
