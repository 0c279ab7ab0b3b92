# Training and validation samples as `unet train` prepares them (backends/tfjs/train/prepare.ts
# of unet-dsl): images scaled to [0, 1] by their bit depth, the augmentation of the whole image
# (augment.py), the network's window (random for training, fixed per image for validation),
# normalisation, and the U-Net weight map of the window's labels for weighted_ce.
#
# Written by `unet emit torch`; needs torch, and PIL (Pillow) + numpy for PNG/TIFF/JPEG images
# (else torchvision).
import math
import os

import torch
from torch.utils.data import Dataset

from augment import augment, augments, mirror

EXTENSIONS = (".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
# src/data/normalize.ts: a constant image (std 0) is only centred, not blown up by 1 / ~0.
MIN_STD = 1e-6


# ---- files ---------------------------------------------------------------------------------

def read_pixels(path):
    """([C, H, W] int64 raw values, full scale of the bit depth: 255, or 65535 for 16 bit)."""
    try:
        from PIL import Image
        import numpy as np
        with Image.open(path) as im:
            full = 65535 if im.mode.startswith("I") else 255
            a = np.array(im).astype(np.int64)
    except ImportError:
        from torchvision.io import ImageReadMode, read_image
        return read_image(path, ImageReadMode.UNCHANGED).long(), 255
    t = torch.from_numpy(a)
    return (t.unsqueeze(0) if t.dim() == 2 else t.permute(2, 0, 1).contiguous()), full


def read_image(path, channels):
    """[channels, H, W] float32 in [0, 1] (src/data/image-io.ts: scaled by the bit depth)."""
    pixels, full = read_pixels(path)
    image = pixels.float() / full
    if image.shape[0] == channels:
        return image
    if channels == 1:
        return image[:3].mean(0, keepdim=True)
    if image.shape[0] == 1:
        return image.expand(channels, -1, -1).contiguous()
    return image[:channels].contiguous()


def list_pairs(data):
    """(image, mask) paths of DIR/images and DIR/masks with matching file stems, in the order of
    the image file names (as src/data/dataset.ts, so the split picks the same images)."""
    def stems(folder):
        out = {}
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext.lower() in EXTENSIONS and not name.startswith("."):
                out[stem] = os.path.join(folder, name)
        return out
    images, masks = stems(os.path.join(data, "images")), stems(os.path.join(data, "masks"))
    unmatched = sorted(set(images) ^ set(masks))
    if unmatched:
        raise SystemExit(f"{data}: images and masks without a partner: {unmatched[:10]}")
    if not images:
        raise SystemExit(f"{data}: no images in images/")
    return sorted(((images[s], masks[s]) for s in images), key=lambda pair: os.path.basename(pair[0]))


def load_dataset(pairs, channels, classes, mask_values):
    """Images [C, H, W] in [0, 1] and labels [H, W] (class indices: class k is the mask value
    mask_values[k], or the k-th of the sorted distinct values; binary nets: value 0 vs the rest)."""
    images = [read_image(i, channels) for i, _ in pairs]
    masks = [read_pixels(m)[0][0] for _, m in pairs]
    values = mask_values
    if values is None:
        values = sorted(set(torch.cat([m.flatten() for m in masks]).unique().tolist()))
    if classes > 1 and len(values) > classes:
        raise SystemExit(f"the masks hold {len(values)} values {values[:10]}, but the network has {classes} classes")
    lookup = torch.full((max(max(values), max(int(m.max()) for m in masks)) + 1,), -1, dtype=torch.long)
    for k, v in enumerate(values):
        lookup[int(v)] = k
    labels = [lookup[m] for m in masks]
    for (_, path), mask, label in zip(pairs, masks, labels):
        if (label < 0).any():
            unknown = sorted(set(mask[label < 0].tolist()))
            raise SystemExit(f"{path}: mask values {unknown[:10]} are not in the class list {values}")
    if classes == 1:  # binary: the first value is background, every other one foreground
        labels = [(label > 0).long() for label in labels]
    return images, labels


# ---- the split -----------------------------------------------------------------------------

class Mulberry32:
    """src/data/random.ts of unet-dsl (mulberry32 with FNV-1a forks), bit for bit, so train.py
    holds out the same validation images as `unet train` with the same seed."""
    MASK = 0xFFFFFFFF

    def __init__(self, seed):
        self.seed = self.state = seed & self.MASK

    @classmethod
    def mix32(cls, t):
        t = ((t ^ (t >> 15)) * (t | 1)) & cls.MASK
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & cls.MASK
        return t ^ (t >> 14)

    @classmethod
    def hash_string(cls, s):
        h = 0x811C9DC5
        for char in s:  # FNV-1a over the characters (the labels here are ASCII)
            h = ((h ^ ord(char)) * 0x01000193) & cls.MASK
        return h

    def fork(self, label):
        return Mulberry32(self.mix32(self.seed ^ self.hash_string(label)) ^ self.hash_string(label + "#"))

    def uniform(self):
        self.state = (self.state + 0x6D2B79F5) & self.MASK
        return self.mix32(self.state) / 4294967296

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = int(self.uniform() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items


def split_indices(count, val_fraction, seed):
    """(train, validation) image indices, each in file order: round(count * val_fraction) images
    held out by a seeded shuffle, as src/data/split.ts."""
    n_val = math.floor(count * val_fraction + 0.5)
    held_out = set(Mulberry32(seed).fork("split").shuffle(list(range(count)))[:n_val])
    return [i for i in range(count) if i not in held_out], sorted(held_out)


# ---- normalisation -------------------------------------------------------------------------

def channel_stats(images):
    """Per-channel mean and (population) standard deviation over all pixels of the images."""
    pixels = torch.cat([im.double().reshape(im.shape[0], -1) for im in images], 1)
    mean = pixels.mean(1)
    std = ((pixels * pixels).mean(1) - mean * mean).clamp_min(0).sqrt()
    return mean.tolist(), std.tolist()


class Normalizer:
    """src/data/normalize.ts. unit: the [0, 1] values as read; image: per-image (per-window)
    mean/std per channel; dataset: mean/std per channel of the training images, stored in the
    checkpoints (and read from a run directory's config.json when emitted from one)."""

    def __init__(self, mode, mean=None, std=None):
        self.mode, self.mean, self.std = mode, mean, std

    @classmethod
    def fit(cls, mode, train_images):
        return cls(mode, *channel_stats(train_images)) if mode == "dataset" else cls(mode)

    def state(self):
        """JSON-serialisable, as src/data/normalize.ts's Normalizer (config.json of a run)."""
        if self.mode != "dataset":
            return {"mode": self.mode}
        return {"mode": self.mode, "mean": self.mean, "std": self.std}

    def __call__(self, image):
        if self.mode == "unit":
            return image
        mean, std = channel_stats([image]) if self.mode == "image" else (self.mean, self.std)
        if len(mean) != image.shape[0]:
            raise SystemExit(f"the normaliser has statistics for {len(mean)} channels, the image has {image.shape[0]}")
        mean = torch.tensor(mean, dtype=torch.float64).view(-1, 1, 1)
        std = torch.tensor(std, dtype=torch.float64).view(-1, 1, 1).clamp_min(MIN_STD)
        return ((image.double() - mean) / std).float()


# ---- windows -------------------------------------------------------------------------------

def random_window(image, label, in_size, out_size, generator):
    """A random crop (src/data/crop.ts, randomCrop): the image window is the network's input size,
    the label window its centred output size (smaller with valid padding). The output window lies
    inside the image when it fits, so every label is real; beyond the border the image is
    mirrored (U-Net paper, Fig. 2)."""
    height, width = label.shape
    corner = []
    for n, out in ((height, out_size[0]), (width, out_size[1])):
        corner.append(int(torch.randint(n - out + 1, (), generator=generator)) if n > out else (n - out) // 2)
    return crop(image, label, corner, in_size, out_size)


def crop(image, label, corner, in_size, out_size):
    """The input window around the output window whose top-left corner is `corner`, mirrored."""
    (top, left), (height, width) = corner, label.shape
    margin = [(i - o) // 2 for i, o in zip(in_size, out_size)]
    rows = mirror(torch.arange(in_size[0]) + top - margin[0], height)
    cols = mirror(torch.arange(in_size[1]) + left - margin[1], width)
    label_rows = mirror(torch.arange(out_size[0]) + top, height)
    label_cols = mirror(torch.arange(out_size[1]) + left, width)
    return image[:, rows][:, :, cols], label[label_rows][:, label_cols]


def sample_generator(seed, epoch, index):
    """A generator of its own for each (seed, epoch, image): a sample's augmentation and window do
    not depend on data-loader workers, ranks or the order samples are drawn in, and a resumed run
    draws exactly what a straight run draws. Validation uses epoch -1 (fixed windows)."""
    generator = torch.Generator()
    generator.manual_seed(((seed * 1_000_003 + epoch + 1) * 1_000_003 + index) % (2 ** 63))
    return generator


class Segmentation(Dataset):
    """Prepared samples {"image", "label"[, "weight"]}: the image at the network's input size, the
    labels (and weight map) at its output size (output_sizes: {input size: output size}).
    `epoch` is set by train.py before each epoch."""

    def __init__(self, images, labels, indices, *, train, augment_config, crop_size, output_sizes, normalize,
                 weight_map, seed):
        self.images, self.labels, self.indices = images, labels, indices
        self.train, self.augment_config, self.crop_size = train, augment_config, crop_size
        self.output_sizes, self.normalize, self.weight_map, self.seed = output_sizes, normalize, weight_map, seed
        self.epoch = 0

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        generator = sample_generator(self.seed, self.epoch if self.train else -1, self.indices[i])
        image, label = self.images[i], self.labels[i]
        if self.train and augments(self.augment_config):
            image, label = augment(image, label, self.augment_config, generator)
        in_size = self.crop_size or list(image.shape[1:])
        out_size = self.output_sizes[tuple(in_size)]
        if self.crop_size is not None:
            image, label = random_window(image, label, in_size, out_size, generator)
        elif out_size != in_size:  # valid padding: the labels the output covers
            centre = [(n - out) // 2 for n, out in zip(in_size, out_size)]
            image, label = crop(image, label, centre, in_size, out_size)
        sample = {"image": self.normalize(image).contiguous(), "label": label.contiguous()}
        if self.weight_map is not None:
            sample["weight"] = torch.from_numpy(self.weight_map(label.numpy()))
        return sample
