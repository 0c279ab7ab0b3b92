# Data augmentation exactly as `unet train` does it (src/data/augment.ts, elastic.ts,
# resample.ts of unet-dsl). U-Net paper, sec. 3.1: shift and rotation invariance, robustness
# to deformations and gray-value variations; elastic deformation is "the key concept" with
# few training images. One geometric transform is drawn per sample and applied identically to
# the image (bicubic) and the mask (nearest neighbour), so labels stay aligned and stay labels;
# beyond the image border both are mirrored (the paper's Fig. 2). The weight map is computed
# afterwards from the transformed mask (train.py), so it needs no warping.
#
# Written by `unet emit torch`; needs only torch. Every draw comes from the torch.Generator
# passed in, so a sample's augmentation depends on that generator's seed alone.
import math
from collections import namedtuple

import torch

# rot90: quarter turns 0..3; angle: radians about the centre; shift_y/x: pixels;
# displacement: (dy, dx) per output pixel (float32 [H, W] each) or None.
Transform = namedtuple("Transform", "flip_x flip_y rot90 angle shift_y shift_x displacement")
IDENTITY = Transform(False, False, 0, 0.0, 0.0, 0.0, None)


def uniform(generator, lo, hi):
    return lo + (hi - lo) * torch.rand((), dtype=torch.float64, generator=generator).item()


def cubic_weights(t):
    """Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom), as src/data/resample.ts: the
    weights [..., 4] of the samples at offsets -1, 0, 1, 2 for fractional positions t in [0, 1).
    (F.interpolate's and F.grid_sample's bicubic use a = -0.75: a different curve.)"""
    t2, t3 = t * t, t * t * t
    return torch.stack([-0.5 * t3 + t2 - 0.5 * t, 1.5 * t3 - 2.5 * t2 + 1,
                        -1.5 * t3 + 2 * t2 + 0.5 * t, 0.5 * t3 - 0.5 * t2], -1)


def grid_interpolation(n, grid):
    """[n, grid] matrix interpolating `grid` control points, which sit evenly from the first to the
    last pixel, bicubically to n pixels; control indices beyond the grid are clamped
    (src/data/elastic.ts, interpolateGrid)."""
    position = torch.arange(n, dtype=torch.float64) * ((grid - 1) / (n - 1) if n > 1 else 0.0)
    start = position.floor().clamp(max=grid - 2)
    weights = cubic_weights(position - start)
    matrix = torch.zeros(n, grid, dtype=torch.float64)
    for k in range(4):
        column = (start.long() - 1 + k).clamp(0, grid - 1).unsqueeze(1)
        matrix.scatter_add_(1, column, weights[:, k:k + 1])
    return matrix


def elastic_displacement(height, width, coarse_y, coarse_x):
    """U-Net paper, sec. 3.1: displacement vectors on a coarse grid (coarse_y, coarse_x: [G, G]),
    interpolated bicubically to every pixel. Returns (dy, dx), float32 [height, width] each."""
    grid = coarse_y.shape[0]
    rows, cols = grid_interpolation(height, grid), grid_interpolation(width, grid)
    return ((rows @ coarse_y.double() @ cols.T).float(), (rows @ coarse_x.double() @ cols.T).float())


def draw_transform(config, height, width, generator):
    """A random geometric transform of an image of this size (src/data/augment.ts, drawTransform)."""
    rot90 = int(torch.randint(4, (), generator=generator)) if config["rotate90"] else 0
    out_h, out_w = (width, height) if rot90 % 2 == 1 else (height, width)
    flip_x = config["flip"] and uniform(generator, 0, 1) < 0.5
    flip_y = config["flip"] and uniform(generator, 0, 1) < 0.5
    angle = math.radians(uniform(generator, -config["rotate"], config["rotate"]))
    shift_y = uniform(generator, -config["shift"], config["shift"]) * height
    shift_x = uniform(generator, -config["shift"], config["shift"]) * width
    displacement = None
    elastic = config["elastic"]
    if elastic is not None:
        # U-Net paper: "sampled from a Gaussian distribution with 10 pixels standard deviation".
        grid, sigma = elastic["grid"], elastic["sigma"]
        coarse_y = torch.randn((grid, grid), dtype=torch.float64, generator=generator) * sigma
        coarse_x = torch.randn((grid, grid), dtype=torch.float64, generator=generator) * sigma
        displacement = elastic_displacement(out_h, out_w, coarse_y, coarse_x)
    return Transform(flip_x, flip_y, rot90, angle, shift_y, shift_x, displacement)


def coordinate_map(t, height, width):
    """The source coordinate (map_y, map_x) of every output pixel, float32 [out_h, out_w]: elastic
    displacement, then rotation and shift about the centre, then the quarter turns and flips,
    composed into one map so the data is interpolated once (src/data/augment.ts, coordinateMap)."""
    out_h, out_w = (width, height) if t.rot90 % 2 == 1 else (height, width)
    cy, cx = (out_h - 1) / 2, (out_w - 1) / 2
    y = torch.arange(out_h, dtype=torch.float64).unsqueeze(1).expand(out_h, out_w)
    x = torch.arange(out_w, dtype=torch.float64).unsqueeze(0).expand(out_h, out_w)
    if t.displacement is not None:
        y, x = y + t.displacement[0].double(), x + t.displacement[1].double()
    py, px = y - cy - t.shift_y, x - cx - t.shift_x
    cos, sin = math.cos(t.angle), math.sin(t.angle)
    py, px = cos * py - sin * px + cy, sin * py + cos * px + cx
    # Undo the quarter turns: (out_h x out_w) -> (height x width).
    if t.rot90 == 1:
        py, px = px, width - 1 - py
    elif t.rot90 == 2:
        py, px = height - 1 - py, width - 1 - px
    elif t.rot90 == 3:
        py, px = height - 1 - px, py
    map_y = height - 1 - py if t.flip_y else py
    map_x = width - 1 - px if t.flip_x else px
    # float32 coordinates, as ours: the same rounding decides the nearest-neighbour labels.
    return map_y.float(), map_x.float()


def mirror(index, n):
    """Mirrors integer indices into [0, n): ... 2 1 | 0 1 2 ... n-1 | n-2 ... (no edge repeat)."""
    if n == 1:
        return torch.zeros_like(index)
    period = 2 * (n - 1)
    j = index.remainder(period)
    return torch.where(j < n, j, period - j)


def resample_image(image, map_y, map_x):
    """[C, H, W] image sampled bicubically at the map's coordinates, borders mirrored; values may
    overshoot slightly at edges (src/data/resample.ts, resampleImage)."""
    height, width = image.shape[-2:]
    y, x = map_y.double(), map_x.double()
    y0, x0 = y.floor(), x.floor()
    wy, wx = cubic_weights(y - y0), cubic_weights(x - x0)
    rows = [mirror(y0.long() - 1 + k, height) * width for k in range(4)]
    cols = [mirror(x0.long() - 1 + k, width) for k in range(4)]
    flat = image.reshape(image.shape[0], -1).double()
    out = torch.zeros((image.shape[0],) + tuple(map_y.shape), dtype=torch.float64)
    for a in range(4):
        for b in range(4):
            out += (wy[..., a] * wx[..., b]) * flat[:, rows[a] + cols[b]]
    return out.float()


def resample_mask(mask, map_y, map_x):
    """[H, W] labels sampled by nearest neighbour (round half up), borders mirrored: only existing
    labels appear (src/data/resample.ts, resampleMask)."""
    height, width = mask.shape
    rows = mirror((map_y.double() + 0.5).floor().long(), height)
    cols = mirror((map_x.double() + 0.5).floor().long(), width)
    return mask[rows, cols]


def transform_sample(image, mask, t):
    """One geometric transform applied to image [C, H, W] and mask [H, W] alike."""
    map_y, map_x = coordinate_map(t, mask.shape[0], mask.shape[1])
    return resample_image(image, map_y, map_x), resample_mask(mask, map_y, map_x)


def change_gray_values(image, config, generator):
    """Random gray-value change of the image only, on [0, 1] values: gamma (ln g uniform in
    [-gamma, gamma]), then contrast about the mean, then brightness (augment.ts, changeGrayValues)."""
    gamma = math.exp(uniform(generator, -config["gamma"], config["gamma"]))
    contrast = uniform(generator, 1 - config["contrast"], 1 + config["contrast"])
    brightness = uniform(generator, -config["brightness"], config["brightness"])
    if config["gamma"] > 0:
        image = image.clamp_min(0) ** gamma
    mean = image.double().mean().item()
    return (image - mean) * contrast + mean + brightness


def augments(config):
    """True when any part of the spec's augment block is switched on."""
    return (config["elastic"] is not None or config["flip"] or config["rotate90"] or config["rotate"] > 0
            or config["shift"] > 0 or config["brightness"] > 0 or config["contrast"] > 0 or config["gamma"] > 0)


def augment(image, mask, config, generator):
    """Augments one sample (TRAIN["augment"]): a random geometric transform of both, then a
    gray-value change of the image."""
    t = draw_transform(config, mask.shape[0], mask.shape[1], generator)
    image, mask = transform_sample(image, mask, t)
    return change_gray_values(image, config, generator), mask
