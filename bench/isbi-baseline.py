#!/usr/bin/python3
"""The plain PyTorch U-Net of issue 15, trained for a wall-time budget: the contender that
specs/isbi2012.unet must beat (bench/isbi-compare.ts runs both and scores both with `unet eval`).

What most users copy: milesial/Pytorch-UNet's layout (DoubleConv with batch norm, max-pool
down, 2x2 transposed-conv up, concat skips, 1x1 head) at 16 base filters and depth 4, same
padding; cross-entropy + soft Dice, Adam lr 1e-3, four random 256 x 256 crops a step with
random flips and quarter turns; no elastic deformation, no weight map, no tiling. Training
stops at the first step that ends past the budget; the net (softmax included) is exported
to ONNX for `unet import bench/isbi-baseline.unet`.

    /usr/bin/python3 bench/isbi-baseline.py --data ../shared/data/isbi2012 --val 00,07,09,17 \
        --time 1200 --seed 1 --onnx runs/baseline.onnx

--data holds images/ and labels/ (PNG; label 255 = cell, 0 = membrane: class 1 is the
membrane, as `mask_values 255, 0`); the --val slices are left out of training. Debian's
python3-torch, python3-numpy and python3-pil.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """milesial's UNet(n_channels=1, n_classes=2, bilinear=False) at `base` filters; layers in
    the order `unet import` matches them (test/fixtures/onnx/make_torch_unet.py)."""

    def __init__(self, base=16, depth=4, classes=2):
        super().__init__()
        widths = [base * 2 ** i for i in range(depth + 1)]
        self.inc = double_conv(1, widths[0])
        self.downs = nn.ModuleList([double_conv(widths[i], widths[i + 1]) for i in range(depth)])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in reversed(range(depth))])
        self.convs = nn.ModuleList([double_conv(2 * widths[i], widths[i]) for i in reversed(range(depth))])
        self.outc = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x):
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(F.max_pool2d(skips[-1], 2)))
        x = skips.pop()
        for up, conv in zip(self.ups, self.convs):
            x = conv(torch.cat([skips.pop(), up(x)], dim=1))
        return self.outc(x)  # logits; the export adds the softmax


class WithSoftmax(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.softmax(self.net(x), dim=1)


def load(data, names):
    """Images in [0, 1] and membrane masks (label 0 -> class 1) of the given slices."""
    images, masks = [], []
    for name in names:
        image = np.asarray(Image.open(os.path.join(data, 'images', name)).convert('L'), dtype=np.float32) / 255
        label = np.asarray(Image.open(os.path.join(data, 'labels', name)).convert('L'))
        images.append(image)
        masks.append((label == 0).astype(np.int64))
    return images, masks


def random_batch(images, masks, rng, crop, count):
    """`count` random crops, each flipped and turned at random (the dihedral group)."""
    xs, ys = [], []
    for _ in range(count):
        k = rng.integers(len(images))
        h, w = images[k].shape
        y0, x0 = rng.integers(h - crop + 1), rng.integers(w - crop + 1)
        x, y = images[k][y0:y0 + crop, x0:x0 + crop], masks[k][y0:y0 + crop, x0:x0 + crop]
        turns = rng.integers(4)
        x, y = np.rot90(x, turns), np.rot90(y, turns)
        if rng.integers(2):
            x, y = x[:, ::-1], y[:, ::-1]
        xs.append(x.copy())
        ys.append(y.copy())
    return torch.from_numpy(np.stack(xs)[:, None]), torch.from_numpy(np.stack(ys))


def soft_dice_loss(logits, target, eps=1e-6):
    """milesial's dice_loss over the softmax of every class (multiclass=True)."""
    probs = torch.softmax(logits, dim=1)
    onehot = F.one_hot(target, probs.shape[1]).permute(0, 3, 1, 2).float()
    inter = (probs * onehot).sum(dim=(0, 2, 3))
    sums = probs.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    return 1 - ((2 * inter + eps) / (sums + eps)).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True, help='folder with images/ and labels/')
    parser.add_argument('--val', default='', help='comma-separated slice names (no extension) left out of training')
    parser.add_argument('--time', type=float, required=True, help='training wall time in seconds')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--onnx', required=True, help='where to write the trained net')
    parser.add_argument('--crop', type=int, default=256)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--base', type=int, default=16)
    parser.add_argument('--threads', type=int, default=0, help='torch threads (0: torch\'s default, one per core)')
    args = parser.parse_args()

    names = sorted(f for f in os.listdir(os.path.join(args.data, 'images')) if f.endswith('.png'))
    if not names:
        raise SystemExit(f'{args.data}/images: no PNG slices')
    val = {v for v in args.val.split(',') if v}
    unknown = val - {os.path.splitext(n)[0] for n in names}
    if unknown:
        raise SystemExit(f'--val {",".join(sorted(unknown))}: no such slices in {args.data}/images')
    train = [n for n in names if os.path.splitext(n)[0] not in val]
    images, masks = load(args.data, train)

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    net = UNet(base=args.base)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    start = time.monotonic()
    steps, prepare, step_time = 0, 0.0, 0.0
    while time.monotonic() - start < args.time:
        t0 = time.monotonic()
        x, y = random_batch(images, masks, rng, args.crop, args.batch)
        t1 = time.monotonic()
        logits = net(x)
        loss = F.cross_entropy(logits, y) + soft_dice_loss(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        steps += 1
        prepare += t1 - t0
        step_time += time.monotonic() - t1
        if steps % 20 == 0:
            print(f'step {steps}  loss {loss.item():.4f}  {steps * args.batch / (time.monotonic() - start):.1f} crops/s', flush=True)
    elapsed = time.monotonic() - start
    print(f'trained {steps} steps ({steps * args.batch} crops) on {len(train)} slices in {elapsed:.1f} s: '
          f'data preparation {prepare:.1f} s, steps {step_time:.1f} s', flush=True)

    net.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.onnx)), exist_ok=True)
    torch.onnx.export(WithSoftmax(net), torch.zeros(1, 1, args.crop, args.crop), args.onnx, opset_version=13,
                      input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'N', 2: 'H', 3: 'W'}, 'output': {0: 'N', 2: 'H', 3: 'W'}})
    print(f'wrote {args.onnx}')


if __name__ == '__main__':
    main()
