# Trains the network of model.py on an image/mask folder, as `unet train` does: images/ and
# masks/ with matching file stems. The loss, optimizer, schedule and augmentation come from
# the spec's train section (model.TRAIN); flags override a few of them.
#
#   python train.py --data DIR                          one GPU, or the CPU
#   torchrun --nproc_per_node N train.py --data DIR     N processes (DistributedDataParallel)
#
# Written by `unet emit torch`; needs torch, and PIL (Pillow) for PNG/TIFF/JPEG images.
import argparse
import math
import os
import random

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

from model import (CLASSES, DIMS, INPUT_CHANNELS, LEGAL_SIZES, OUTPUT_ACTIVATION, OUTPUT_CHANNELS, TRAIN,
                   build_model, load_weights)

HERE = os.path.dirname(os.path.abspath(__file__))
EXTENSIONS = (".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp")
EPS = 1e-7


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="folder with images/ and masks/ (matching file stems)")
    p.add_argument("--out", default="checkpoints", help="where rank 0 writes last.pt and best.pt")
    p.add_argument("--epochs", type=int, default=TRAIN["epochs"])
    p.add_argument("--batch", type=int, default=TRAIN["batch"], help="per process")
    p.add_argument("--lr", type=float, default=TRAIN["optimizer"]["lr"])
    p.add_argument("--seed", type=int, default=TRAIN["seed"])
    p.add_argument("--steps", type=int, default=0, help="stop after this many optimizer steps (0 = no limit)")
    p.add_argument("--workers", type=int, default=0, help="data loader worker processes")
    p.add_argument("--weights", default=None,
                   help="folder with weights.json/weights.bin to start from (default: this folder's, when present)")
    p.add_argument("--no-weights", action="store_true", help="start from PyTorch's default initialisation")
    p.add_argument("--backend", default=None, help="torch.distributed backend (default: nccl on CUDA, gloo on CPU)")
    p.add_argument("--sync-bn", action="store_true", help="synchronise batch-norm statistics across processes")
    p.add_argument("--cpu", action="store_true", help="do not use CUDA even when present")
    p.add_argument("--save-every-rank", action="store_true",
                   help="every rank writes final-rank<r>.pt to --out (to check that the replicas agree)")
    p.add_argument("--export-onnx", default=None, metavar="FILE",
                   help="after training, rank 0 exports the weights with torch.onnx.export (opset 17)")
    return p.parse_args()


# ---- data ----------------------------------------------------------------------------------

def read_image(path):
    """[C, H, W] uint8. PIL when installed, else torchvision.io."""
    try:
        from PIL import Image
        import numpy as np
        with Image.open(path) as im:
            a = np.array(im)
        t = torch.from_numpy(a)
        return t.unsqueeze(0) if t.dim() == 2 else t.permute(2, 0, 1).contiguous()
    except ImportError:
        from torchvision.io import ImageReadMode, read_image as tv_read
        return tv_read(path, ImageReadMode.UNCHANGED)


def list_pairs(data):
    def stems(folder):
        out = {}
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext.lower() in EXTENSIONS:
                out[stem] = os.path.join(folder, name)
        return out
    images, masks = stems(os.path.join(data, "images")), stems(os.path.join(data, "masks"))
    unmatched = sorted(set(images) ^ set(masks))
    if unmatched:
        raise SystemExit(f"{data}: images and masks without a partner: {unmatched[:10]}")
    if not images:
        raise SystemExit(f"{data}: no images in images/")
    return [(images[s], masks[s]) for s in sorted(images)]


def channels_to(image, channels):
    if image.shape[0] == channels:
        return image
    if channels == 1:
        return image[:3].float().mean(0, keepdim=True)
    if image.shape[0] == 1:
        return image.expand(channels, -1, -1)
    return image[:channels]


def load_dataset(pairs):
    images = [channels_to(read_image(i), INPUT_CHANNELS).float() for i, _ in pairs]
    masks = [read_image(m)[0].long() for _, m in pairs]
    values = TRAIN["maskValues"]
    if values is None:
        values = sorted(set(torch.cat([m.flatten() for m in masks]).unique().tolist()))
    if CLASSES > 1 and len(values) > CLASSES:
        raise SystemExit(f"the masks hold {len(values)} values {values[:10]}, but the network has {CLASSES} classes")
    lookup = torch.full((max(max(values), 255) + 1,), -1, dtype=torch.long)
    for i, v in enumerate(values):
        lookup[int(v)] = i
    labels = [lookup[m] for m in masks]
    if CLASSES == 1:  # binary: the first value is background, every other one foreground
        labels = [(lab > 0).long() for lab in labels]
    return images, labels


class Normalizer:
    """TRAIN.normalize: unit = /255, image = per-image mean/std, dataset = training-set mean/std."""

    def __init__(self, mode, images):
        self.mode = mode
        if mode == "dataset":
            pixels = torch.cat([im.flatten() for im in images])
            self.mean, self.std = pixels.mean().item(), pixels.std().item() + EPS

    def __call__(self, image):
        if self.mode == "unit":
            return image / 255.0
        if self.mode == "image":
            return (image - image.mean()) / (image.std() + EPS)
        return (image - self.mean) / self.std


def legal(n):
    return n >= LEGAL_SIZES["min"] and n % LEGAL_SIZES["modulus"] in LEGAL_SIZES["residues"]


class Segmentation(Dataset):
    def __init__(self, images, labels, normalize, crop, augment):
        self.images, self.labels, self.normalize = images, labels, normalize
        self.crop, self.augment = crop, augment

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        image, label = self.normalize(self.images[i]), self.labels[i]
        if self.crop is not None:
            h, w = self.crop
            top = random.randint(0, image.shape[1] - h)
            left = random.randint(0, image.shape[2] - w)
            image, label = image[:, top:top + h, left:left + w], label[top:top + h, left:left + w]
        if self.augment:
            image, label = augment(image, label, TRAIN["augment"])
        return image.contiguous(), label.contiguous()


def augment(image, label, config):
    if config["flip"]:
        if random.random() < 0.5:
            image, label = image.flip(-1), label.flip(-1)
        if random.random() < 0.5:
            image, label = image.flip(-2), label.flip(-2)
    if config["rotate90"] and image.shape[-1] == image.shape[-2]:
        k = random.randint(0, 3)
        image, label = image.rot90(k, (-2, -1)), label.rot90(k, (-2, -1))
    return image, label


UNSUPPORTED_AUGMENT = ("elastic", "rotate", "shift", "brightness", "contrast", "gamma")


# ---- loss, optimizer, schedule -------------------------------------------------------------

def probabilities(output):
    if OUTPUT_ACTIVATION != "none":
        return output.float()
    return torch.sigmoid(output.float()) if OUTPUT_CHANNELS == 1 else torch.softmax(output.float(), dim=1)


def center_crop(label, spatial):
    """Valid-padding nets predict a smaller centre window: crop the labels to it."""
    h, w = label.shape[-2:]
    top, left = (h - spatial[0]) // 2, (w - spatial[1]) // 2
    return label[..., top:top + spatial[0], left:left + spatial[1]]


def one_hot(label, channels):
    if channels == 1:
        return label.unsqueeze(1).float()
    return F.one_hot(label, channels).permute(0, 3, 1, 2).float()


def dice_loss(p, target):
    axes = (0, 2, 3)
    intersection = (p * target).sum(axes)
    total = p.sum(axes) + target.sum(axes)
    return 1 - ((2 * intersection + 1) / (total + 1)).mean()


def cross_entropy(p, target):
    if p.shape[1] == 1:  # binary cross-entropy on the foreground probability
        p = p.clamp(EPS, 1 - EPS)
        return -(target * p.log() + (1 - target) * (1 - p).log()).mean()
    return -(target * p.clamp_min(EPS).log()).sum(1).mean()


def loss_fn(kind):
    """TRAIN.loss. weighted_ce needs the U-Net paper's weight map, which this script does
    not compute: it trains with plain cross-entropy (said at start-up)."""
    if kind == "dice":
        return dice_loss
    if kind == "ce_dice":
        return lambda p, t: cross_entropy(p, t) + dice_loss(p, t)
    return cross_entropy


def make_optimizer(params, lr):
    o = TRAIN["optimizer"]
    if o["kind"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"], nesterov=o["nesterov"] and o["momentum"] > 0,
                               weight_decay=o["weightDecay"])
    if o["kind"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=o["momentum"], weight_decay=o["weightDecay"])
    return torch.optim.Adam(params, lr=lr, weight_decay=o["weightDecay"])


def make_schedule(optimizer, epochs):
    """TRAIN.schedule, stepped once per epoch (plateau: on the validation loss)."""
    s = TRAIN["schedule"]
    if s["kind"] == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=s["factor"], patience=s["patience"],
                                                          min_lr=s["minLr"])
    if s["kind"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs, 1), eta_min=s["minLr"])
    if s["kind"] == "poly":
        base = optimizer.param_groups[0]["lr"]
        floor = s["minLr"] / base if base > 0 else 0.0
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda e: max((1 - min(e, epochs) / max(epochs, 1)) ** s["power"], floor))
    return None


# ---- training ------------------------------------------------------------------------------

def setup():
    """torchrun sets WORLD_SIZE, RANK and LOCAL_RANK; plain `python train.py` is one process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    return world, rank, local


def reduce_sum(values, device, world):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(t)
    return t.tolist()


def main():
    args = parse_args()
    if DIMS != 2:
        raise SystemExit("train.py reads 2D images; this network is 3D (train it with `unet train`, or bring a 3D loader)")
    world, rank, local = setup()
    cuda = torch.cuda.is_available() and not args.cpu
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group(backend=args.backend or ("nccl" if cuda else "gloo"))
    say = print if rank == 0 else (lambda *a, **k: None)
    torch.manual_seed(args.seed)
    random.seed(args.seed + rank)

    t = TRAIN
    ignored = [k for k in UNSUPPORTED_AUGMENT if t["augment"][k]]
    if ignored:
        say(f"note: augmentations {ignored} are not implemented in train.py; using flips/rot90 only")
    if t["loss"] == "weighted_ce" and t["weightMap"] is not None:
        say("note: the weight map of weighted_ce is not computed here; training with plain cross-entropy")

    pairs = list_pairs(args.data)
    images, labels = load_dataset(pairs)
    order = list(range(len(images)))
    random.Random(args.seed).shuffle(order)
    n_val = int(round(len(order) * t["valSplit"])) if len(order) > 1 else 0
    val_idx, train_idx = order[:n_val], order[n_val:]
    normalize = Normalizer(t["normalize"], [images[i] for i in train_idx])
    crop = t["crop"]
    size = crop if crop is not None else list(images[0].shape[1:])
    if not all(legal(n) for n in size):
        raise SystemExit(f"input size {size} is not legal for this network: each side must be >= {LEGAL_SIZES['min']} "
                         f"and % {LEGAL_SIZES['modulus']} in {LEGAL_SIZES['residues']} (set a crop in the spec)")

    def loader(idx, train):
        ds = Segmentation([images[i] for i in idx], [labels[i] for i in idx], normalize, crop, train)
        sampler = DistributedSampler(ds, num_replicas=world, rank=rank, shuffle=train, seed=args.seed) if world > 1 else None
        g = torch.Generator()
        g.manual_seed(args.seed)
        return DataLoader(ds, batch_size=args.batch, shuffle=train and sampler is None, sampler=sampler,
                          num_workers=args.workers, generator=g, drop_last=False), sampler

    train_loader, train_sampler = loader(train_idx, True)
    val_loader = loader(val_idx, False)[0] if val_idx else None

    model = build_model()
    weights = args.weights or (HERE if os.path.exists(os.path.join(HERE, "weights.json")) else None)
    if weights and not args.no_weights:
        load_weights(model, weights)
        say(f"initial weights from {weights}")
    if args.sync_bn and world > 1:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device)
    net = DistributedDataParallel(model, device_ids=[local] if cuda else None) if world > 1 else model
    optimizer = make_optimizer(net.parameters(), args.lr)
    schedule = make_schedule(optimizer, args.epochs)
    scaler = torch.cuda.amp.GradScaler(enabled=cuda)
    criterion = loss_fn(t["loss"])
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
    say(f"{len(train_idx)} training and {len(val_idx)} validation images, {world} process(es), "
        f"{'CUDA + AMP' if cuda else 'CPU'}, loss {t['loss']}, optimizer {t['optimizer']['kind']}")

    def step_loss(image, label):
        with torch.autocast(device_type="cuda", enabled=cuda):
            output = net(image.to(device, non_blocking=True))
        p = probabilities(output)
        target = one_hot(center_crop(label.to(device), p.shape[2:]), p.shape[1])
        return criterion(p, target), p, target

    steps, best = 0, -1.0
    for epoch in range(args.epochs):
        if train_sampler is not None:
            train_sampler.set_epoch(epoch)
        net.train()
        total, count = 0.0, 0
        for image, label in train_loader:
            loss, _, _ = step_loss(image, label)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            if t["clip"] is not None:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(net.parameters(), t["clip"])
            scaler.step(optimizer)
            scaler.update()
            total, count, steps = total + loss.item() * len(image), count + len(image), steps + 1
            if args.steps and steps >= args.steps:
                break
        train_loss, seen = reduce_sum([total, count], device, world)
        train_loss /= max(seen, 1)
        val_loss, dice = train_loss, float("nan")
        if val_loader is not None:
            net.eval()
            sums = [0.0, 0.0, 0.0, 0.0]
            with torch.no_grad():
                for image, label in val_loader:
                    loss, p, target = step_loss(image, label)
                    hard = (p > 0.5).float() if p.shape[1] == 1 else one_hot(p.argmax(1), p.shape[1])
                    sums[0] += loss.item() * len(image)
                    sums[1] += len(image)
                    sums[2] += 2 * (hard * target).sum().item()
                    sums[3] += (hard.sum() + target.sum()).item()
            loss_sum, n, inter, union = reduce_sum(sums, device, world)
            val_loss, dice = loss_sum / max(n, 1), inter / max(union, EPS)
        if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau):
            schedule.step(val_loss)
        elif schedule is not None:
            schedule.step()
        say(f"epoch {epoch + 1}/{args.epochs}: loss {train_loss:.4f}, val loss {val_loss:.4f}, val Dice {dice:.4f}, "
            f"lr {optimizer.param_groups[0]['lr']:.3g}")
        if rank == 0:
            state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1}
            torch.save(state, os.path.join(args.out, "last.pt"))
            if not math.isnan(dice) and dice > best:
                best = dice
                torch.save(state, os.path.join(args.out, "best.pt"))
        if args.steps and steps >= args.steps:
            break

    if args.save_every_rank:
        os.makedirs(args.out, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(args.out, f"final-rank{rank}.pt"))
    if args.export_onnx and rank == 0:
        export_onnx(model, size, args.export_onnx)
        say(f"wrote {args.export_onnx} (opset 17)")
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


def export_onnx(model, size, path):
    model = model.to("cpu").eval()
    example = torch.zeros([1, INPUT_CHANNELS] + list(size))
    torch.onnx.export(model, example, path, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})


if __name__ == "__main__":
    main()
