# Trains the network of model.py on an image/mask folder with the spec's recipe, as `unet train`
# does: images/ and masks/ with matching file stems. The loss (weighted_ce with the U-Net
# paper's weight map), optimizer, schedule, augmentation (elastic deformation included),
# crop and normalisation come from the spec's train section (model.TRAIN); flags override a few.
#
#   python train.py --data DIR                          one GPU, or the CPU
#   torchrun --nproc_per_node N train.py --data DIR     N processes (DistributedDataParallel)
#   python train.py --data DIR --resume                 continue from --out/last.pt
#   python train.py --data DIR --time 20m               train for 20 minutes, whatever the epochs
#
# Written by `unet emit torch`; needs torch, PIL (Pillow) + numpy for PNG/TIFF/JPEG images, and
# scipy for weighted_ce. data.py, augment.py and weight_map.py hold the data pipeline; budget.py
# the rules of a time budget.
import argparse
import copy
import functools
import itertools
import json
import math
import os
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from budget import TIMED_SCHEDULES, Clock, lr_at, parse_duration
from data import Normalizer, Segmentation, list_pairs, load_dataset, split_indices
from model import (CLASSES, DIMS, INPUT_CHANNELS, LEGAL_SIZES, OUTPUT_ACTIVATION, OUTPUT_CHANNELS, TRAIN,
                   build_model, load_weights)

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-7
# Smoothing of the soft Dice ratio, as the tfjs backend's losses.ts (milesial/Pytorch-UNet's
# utils/dice_score.py): the same spec trains on the same loss on either backend.
DICE_SMOOTH = 1e-6


def duration(text):
    """--time: seconds, or a duration such as 20m, 90s, 1h30m."""
    seconds = parse_duration(text)
    if seconds is None:
        raise argparse.ArgumentTypeError(f"expected seconds or a duration such as 20m, 90s or 1h30m (hours, minutes, "
                                         f"seconds in that order), got '{text}'")
    return seconds


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="folder with images/ and masks/ (matching file stems)")
    p.add_argument("--out", default="checkpoints", help="where rank 0 writes last.pt and best.pt")
    p.add_argument("--epochs", type=int, default=TRAIN["epochs"], help="no limit with a time budget (--time)")
    p.add_argument("--time", type=duration, default=TRAIN.get("time"), metavar="DURATION",
                   help="train for this wall time (seconds, or e.g. 90s, 20m, 1h30m; default: the spec's `time`, "
                        "else none): epochs are then no limit, the run ends after the first optimizer step past it, "
                        "validated and checkpointed; cosine and poly follow the elapsed fraction of it; with --resume "
                        "the time already spent counts")
    p.add_argument("--batch", type=int, default=TRAIN["batch"], help="per process")
    p.add_argument("--lr", type=float, default=TRAIN["optimizer"]["lr"])
    p.add_argument("--seed", type=int, default=TRAIN["seed"])
    p.add_argument("--steps", type=int, default=0,
                   help="stop after this many optimizer steps in all (0 = no limit); the epoch then ends there")
    p.add_argument("--resume", action="store_true",
                   help="continue from --out/last.pt (model, optimizer, schedule, epoch, RNG state); "
                        "every process reads it, so on several nodes --out must be a shared folder")
    p.add_argument("--workers", type=int, default=0, help="data loader worker processes")
    p.add_argument("--weights", default=None,
                   help="folder with weights.json/weights.bin to start from (default: this folder's, when present)")
    p.add_argument("--no-weights", action="store_true", help="start from PyTorch's default initialisation")
    p.add_argument("--backend", default=None, help="torch.distributed backend (default: nccl on CUDA, gloo on CPU)")
    p.add_argument("--sync-bn", action="store_true", help="synchronise batch-norm statistics across processes")
    p.add_argument("--cpu", action="store_true", help="do not use CUDA even when present")
    p.add_argument("--save-every-rank", action="store_true",
                   help="every rank writes final-rank<r>.pt (its weights and step count) to --out "
                        "(to check that the replicas agree)")
    p.add_argument("--export-onnx", default=None, metavar="FILE",
                   help="after training, rank 0 exports the weights with torch.onnx.export (opset 17)")
    return p.parse_args()


# ---- shapes and the weight map -------------------------------------------------------------

def legal(n):
    return n >= LEGAL_SIZES["min"] and n % LEGAL_SIZES["modulus"] in LEGAL_SIZES["residues"]


def output_sizes(model, sizes):
    """{input window: output window} of the network for each input size (the output is smaller
    with valid padding), from a forward pass of a copy on the meta device (shapes only: no memory,
    no arithmetic). A plain dict, so the dataset pickles into data-loader workers."""
    meta = copy.deepcopy(model).to("meta").eval()
    with torch.no_grad():
        return {s: list(meta(torch.zeros((1, INPUT_CHANNELS) + s, device="meta")).shape[2:]) for s in sizes}


def weight_map_of(train):
    """The weight map of weighted_ce, and of ce_dice with a weight_map (weight_map.py, needs scipy), else None."""
    if train["loss"] != "weighted_ce" and not (train["loss"] == "ce_dice" and train["weightMap"]):
        return None
    try:
        from weight_map import unet_weight_map
    except ImportError as error:
        raise SystemExit(f"loss weighted_ce computes the U-Net weight map with scipy, which does not import ({error}); "
                         "install it: apt-get install python3-scipy (Debian) or pip install scipy")
    # U-Net paper, sec. 3: w0 = 10, sigma = 5 px unless the spec's weight_map says otherwise.
    options = train["weightMap"] or {"w0": 10, "sigma": 5, "cellClass": 1}
    return functools.partial(unet_weight_map, classes=max(CLASSES, 2), w0=options["w0"], sigma=options["sigma"],
                             cell_class=options["cellClass"])


# ---- loss, optimizer, schedule -------------------------------------------------------------

def probabilities(output):
    if OUTPUT_ACTIVATION != "none":
        return output.float()
    return torch.sigmoid(output.float()) if OUTPUT_CHANNELS == 1 else torch.softmax(output.float(), dim=1)


def one_hot(label, channels):
    if channels == 1:
        return label.unsqueeze(1).float()
    return F.one_hot(label, channels).permute(0, 3, 1, 2).float()


def dice_loss(p, target, weight=None):
    axes = (0, 2, 3)
    intersection = (p * target).sum(axes)
    total = p.sum(axes) + target.sum(axes)
    return 1 - ((2 * intersection + DICE_SMOOTH) / (total + DICE_SMOOTH)).mean()


def pixel_cross_entropy(p, target):
    """[N, H, W]: -sum_k y_k log p_k (a sigmoid head: binary cross-entropy of its foreground)."""
    p = p.clamp(EPS, 1 - EPS)
    if p.shape[1] == 1:
        return -(target * p.log() + (1 - target) * (1 - p).log())[:, 0]
    return -(target * p.log()).sum(1)


def cross_entropy(p, target, weight=None):
    return pixel_cross_entropy(p, target).mean()


def weighted_cross_entropy(p, target, weight):
    """U-Net paper, eq. 1: each pixel's cross-entropy times its weight w(x), averaged over pixels
    (the paper sums; the mean keeps the learning rate independent of the tile size)."""
    return (pixel_cross_entropy(p, target) * weight).mean()


LOSSES = {
    "bce": cross_entropy,
    "ce": cross_entropy,
    "dice": dice_loss,
    # With a weight map (the spec's weight_map), the CE term is the paper's weighted one.
    "ce_dice": lambda p, t, w=None: (cross_entropy(p, t) if w is None else weighted_cross_entropy(p, t, w)) + dice_loss(p, t),
    "weighted_ce": weighted_cross_entropy,
}


def make_optimizer(params, lr):
    o = TRAIN["optimizer"]
    if o["kind"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"], nesterov=o["nesterov"] and o["momentum"] > 0,
                               weight_decay=o["weightDecay"])
    if o["kind"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=o["momentum"], weight_decay=o["weightDecay"])
    return torch.optim.Adam(params, lr=lr, weight_decay=o["weightDecay"])


def make_schedule(optimizer, epochs, budget):
    """TRAIN.schedule, stepped once per epoch (plateau: on the validation Dice, as on tfjs). None for constant,
    and for cosine and poly under a time budget: train.py sets their rate before every step."""
    s = TRAIN["schedule"]
    if budget is not None and s["kind"] in TIMED_SCHEDULES:
        return None
    if s["kind"] == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", factor=s["factor"],
                                                          patience=s["patience"], threshold=0.0, min_lr=s["minLr"])
    if s["kind"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(epochs, 1), eta_min=s["minLr"])
    if s["kind"] == "poly":
        base = optimizer.param_groups[0]["lr"]
        floor = s["minLr"] / base if base > 0 else 0.0
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda e: max((1 - min(e, epochs) / max(epochs, 1)) ** s["power"], floor))
    return None


# ---- checkpoints ---------------------------------------------------------------------------

def save_atomically(state, path):
    """torch.save to a temp file in the same folder, then os.replace: a reader, or a resume after
    a crash, never sees half a checkpoint."""
    temp = f"{path}.tmp-{os.getpid()}"
    torch.save(state, temp)
    os.replace(temp, path)


def rng_state(cuda):
    return {"torch": torch.get_rng_state(), "cuda": torch.cuda.get_rng_state_all() if cuda else None}


def restore_rng(state, cuda):
    """Dropout draws from the global generators; the data draws from per-sample generators
    (data.sample_generator), so these two states are all a resumed run needs."""
    torch.set_rng_state(state["torch"])
    if cuda and state["cuda"] is not None and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])


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


def from_rank0(values, device, world):
    """Rank 0's values on every rank: what all ranks must decide alike (a time budget's learning
    rate, the step that ends it, whether an epoch validates), since their clocks differ."""
    if world == 1:
        return values
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.broadcast(t, 0)
    return t.tolist()


def set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr


def fitted_normalizer(mode, train_images, say):
    """The run's normalisation when emitted from a run directory (normalizer.json, from its
    config.json), else fitted on the training images as src/data/normalize.ts does."""
    path = os.path.join(HERE, "normalizer.json")
    if os.path.exists(path):
        with open(path) as f:
            state = json.load(f)
        say(f"normalisation {state['mode']} of the run this package was emitted from ({path})")
        return Normalizer(state["mode"], state.get("mean"), state.get("std"))
    return Normalizer.fit(mode, train_images)


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

    t = TRAIN
    weight_map = weight_map_of(t)  # before the data: a missing scipy stops at once
    last_path = os.path.join(args.out, "last.pt")
    resumed = None
    if args.resume:
        if not os.path.exists(last_path):
            raise SystemExit(f"--resume: {last_path} does not exist (train without --resume first, or pass its --out)")
        resumed = torch.load(last_path, map_location="cpu")

    pairs = list_pairs(args.data)
    images, labels = load_dataset(pairs, INPUT_CHANNELS, CLASSES, t["maskValues"])
    train_idx, val_idx = split_indices(len(images), t["valSplit"], args.seed)
    if resumed is not None:
        normalize = Normalizer(**resumed["normalizer"])
    else:
        normalize = fitted_normalizer(t["normalize"], [images[i] for i in train_idx], say)
    crop = t["crop"]
    size = crop if crop is not None else list(images[0].shape[1:])
    # Every input window a sample can have: the crop, or the images' sizes.
    windows = {tuple(crop)} if crop is not None else {tuple(im.shape[1:]) for im in images}
    for window in sorted(windows):
        if not all(legal(n) for n in window):
            raise SystemExit(f"input size {list(window)} is not legal for this network: each side must be >= "
                             f"{LEGAL_SIZES['min']} and % {LEGAL_SIZES['modulus']} in {LEGAL_SIZES['residues']} "
                             "(set a crop in the spec)")
        if t["augment"]["rotate90"] and crop is None and window[0] != window[1]:
            raise SystemExit(f"augment rotate90 turns the {window[0]}x{window[1]} images, so a batch would mix two "
                             "shapes: set a crop in the spec")

    model = build_model()
    weights = args.weights or (HERE if os.path.exists(os.path.join(HERE, "weights.json")) else None)
    if resumed is not None:
        model.load_state_dict(resumed["model"])
        say(f"resuming {last_path} after epoch {resumed['epoch']}")
    elif weights and not args.no_weights:
        load_weights(model, weights)
        say(f"initial weights from {weights}")
    sizes = output_sizes(model, windows)

    def loader(idx, train):
        ds = Segmentation([images[i] for i in idx], [labels[i] for i in idx], idx, train=train,
                          augment_config=t["augment"], crop_size=crop, output_sizes=sizes,
                          normalize=normalize, weight_map=weight_map, seed=args.seed)
        sampler = DistributedSampler(ds, num_replicas=world, rank=rank, shuffle=train, seed=args.seed) if world > 1 else None
        g = torch.Generator()
        return DataLoader(ds, batch_size=args.batch, shuffle=train and sampler is None, sampler=sampler,
                          num_workers=args.workers, generator=g, drop_last=False), sampler, g

    train_loader, train_sampler, shuffle_generator = loader(train_idx, True)
    val_loader = loader(val_idx, False)[0] if val_idx else None

    if args.sync_bn and world > 1:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device)
    net = DistributedDataParallel(model, device_ids=[local] if cuda else None) if world > 1 else model
    optimizer = make_optimizer(net.parameters(), args.lr)
    schedule = make_schedule(optimizer, args.epochs, args.time)
    scaler = torch.cuda.amp.GradScaler(enabled=cuda)
    criterion = LOSSES[t["loss"]]
    steps, best, start = 0, -1.0, 0
    if resumed is not None:
        optimizer.load_state_dict(resumed["optimizer"])
        if schedule is not None and resumed["schedule"] is not None:  # None: saved under a time budget
            schedule.load_state_dict(resumed["schedule"])
        if resumed["scaler"]:  # empty when saved without CUDA
            scaler.load_state_dict(resumed["scaler"])
        steps, best, start = resumed["steps"], resumed["best"], resumed["epoch"]
        restore_rng(resumed["rng"], cuda)
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
    say(f"{len(train_idx)} training and {len(val_idx)} validation images, {world} process(es), "
        f"{'CUDA + AMP' if cuda else 'CPU'}, loss {t['loss']}, optimizer {t['optimizer']['kind']}, "
        f"input {'x'.join(map(str, size))} -> output {'x'.join(map(str, sizes[tuple(size)]))}")
    if weight_map is not None:
        say("weight map: U-Net paper eq. 2 per sample, after augmentation and crop, on the output window")

    def step_loss(batch):
        with torch.autocast(device_type="cuda", enabled=cuda):
            output = net(batch["image"].to(device, non_blocking=True))
        p = probabilities(output)
        target = one_hot(batch["label"].to(device), p.shape[1])
        weight = batch["weight"].to(device) if "weight" in batch else None
        return criterion(p, target, weight), p, target

    # The clock of a time budget: rank 0's elapsed seconds, broadcast after every step, set the
    # rate of cosine and poly and end the run, so every rank uses the same rate and stops at the
    # same step (their own clocks differ).
    clock = Clock(args.time, resumed.get("elapsed", 0.0) if resumed is not None else 0.0)
    timed_lr = clock.budget is not None and t["schedule"]["kind"] in TIMED_SCHEDULES
    elapsed = from_rank0([clock.elapsed()], device, world)[0]
    out_of_time = clock.spent(elapsed)
    if out_of_time:
        say(f"time budget {clock.budget:g} s already spent ({elapsed:.1f} s in {last_path}): nothing to train; "
            "pass a longer --time to train on")
    elif clock.budget is not None:
        say(f"time budget {clock.budget:g} s ({elapsed:.1f} s spent before): epochs are no limit")
    epochs = range(0) if out_of_time else itertools.count(start) if clock.budget is not None else range(start, args.epochs)

    for epoch in epochs:
        # The shuffle order of an epoch depends on (seed, epoch) alone, so a resumed run repeats it.
        shuffle_generator.manual_seed(args.seed + epoch)
        train_loader.dataset.epoch = epoch
        if train_sampler is not None:
            train_sampler.set_epoch(epoch)
        net.train()
        total, count = 0.0, 0
        for batch in train_loader:
            if timed_lr:
                set_lr(optimizer, lr_at(t["schedule"], args.lr, elapsed / clock.budget))
            loss, _, _ = step_loss(batch)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            if t["clip"] is not None:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(net.parameters(), t["clip"])
            scaler.step(optimizer)
            scaler.update()
            n = len(batch["image"])
            total, count, steps = total + loss.item() * n, count + n, steps + 1
            if clock.budget is not None:
                elapsed = from_rank0([clock.elapsed()], device, world)[0]
                out_of_time = clock.spent(elapsed)
            if out_of_time or (args.steps and steps >= args.steps):
                break
        # A budget spent mid-epoch ends the epoch there, validated and checkpointed as any.
        epoch_ended = time.monotonic()
        train_loss, seen = reduce_sum([total, count], device, world)
        train_loss /= max(seen, 1)
        due = from_rank0([float(clock.validation_due(first=epoch == 0, last=out_of_time))], device, world)[0] > 0
        validated = due and val_loader is not None
        val_loss, dice = train_loss, float("nan")
        if validated:
            net.eval()
            sums = [0.0, 0.0, 0.0, 0.0]
            with torch.no_grad():
                for batch in val_loader:
                    loss, p, target = step_loss(batch)
                    hard = (p > 0.5).float() if p.shape[1] == 1 else one_hot(p.argmax(1), p.shape[1])
                    sums[0] += loss.item() * len(p)
                    sums[1] += len(p)
                    sums[2] += 2 * (hard * target).sum().item()
                    sums[3] += (hard.sum() + target.sum()).item()
            loss_sum, n, inter, union = reduce_sum(sums, device, world)
            val_loss, dice = loss_sum / max(n, 1), inter / max(union, EPS)
        if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau):
            if validated:  # under a time budget: per validation; no validation slices, no plateau
                schedule.step(dice)
        elif schedule is not None:
            schedule.step()
        position = f"{epoch + 1}/{args.epochs}" if clock.budget is None else f"{epoch + 1} ({elapsed:.2f} of {clock.budget:g} s)"
        figures = f"val loss {val_loss:.4f}, val Dice {dice:.4f}" if due or val_loader is None else "validation not due"
        say(f"epoch {position}: loss {train_loss:.4f}, {figures}, lr {optimizer.param_groups[0]['lr']:.3g}")
        improved = not math.isnan(dice) and dice > best
        best = dice if improved else best
        if rank == 0:
            state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                     "schedule": schedule.state_dict() if schedule is not None else None,
                     "scaler": scaler.state_dict(), "epoch": epoch + 1, "steps": steps, "best": best,
                     "elapsed": clock.elapsed(), "normalizer": normalize.state(), "rng": rng_state(cuda)}
            save_atomically(state, last_path)
            if improved:
                save_atomically(state, os.path.join(args.out, "best.pt"))
        clock.epoch_end += time.monotonic() - epoch_ended
        if out_of_time:
            say(f"time budget reached: {elapsed:.2f} s of {clock.budget:g} s after step {steps} (epoch {epoch + 1}); "
                f"checkpoint in {last_path} (--resume --time T trains on to a longer budget)")
            break
        if args.steps and steps >= args.steps:
            break

    if args.save_every_rank:
        os.makedirs(args.out, exist_ok=True)
        torch.save({"model": model.state_dict(), "steps": steps}, os.path.join(args.out, f"final-rank{rank}.pt"))
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
