# Training for a wall-time budget (the spec's `time`, train.py --time): the clock of a run
# (across resumes: last.pt carries the seconds spent before), the learning rate of cosine and
# poly as a function of the elapsed fraction of the budget, and whether an epoch's end
# validates. The same rules as unet-dsl's tfjs loop (src/backends/tfjs/train/clock.ts,
# schedules.ts, loop.ts), so `unet train --time` and `train.py --time` spend a budget alike.
# Needs no torch: train.py decides on rank 0 and broadcasts, so every rank stops together.
import math
import re
import time

# Hours, minutes, seconds, each at most once and in that order: 90s, 20m, 1h30m, 1.5h
# (src/language/spec/duration.ts); train.py also takes a bare number of seconds.
DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")
SECONDS = re.compile(r"\d+(?:\.\d+)?")

# The share of a budgeted run's time that validation and checkpoints may take: with short
# epochs (ISBI 2012: 16 crops, a few seconds) validating every epoch would spend an eighth
# of the budget on it.
EPOCH_END_SHARE = 0.02

# The schedules whose rate is a function of the elapsed fraction under a budget (lr_at).
TIMED_SCHEDULES = ("cosine", "poly")


def parse_duration(text):
    """Seconds of `1h30m`, `20m`, `90s` or `90`; None when the text is not a positive duration."""
    text = text.strip()
    if SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        match = DURATION.fullmatch(text)
        if match is None or text == "":
            return None
        h, m, s = (float(v) if v is not None else 0.0 for v in match.groups())
        seconds = h * 3600 + m * 60 + s
    return seconds if seconds > 0 else None


def lr_at(schedule, base, fraction):
    """The learning rate of a TIMED_SCHEDULES schedule after `fraction` of the budget."""
    t = min(max(fraction, 0.0), 1.0)
    floor = schedule["minLr"]
    if schedule["kind"] == "cosine":  # Loshchilov & Hutter 2017 (SGDR) without restarts
        return floor + (base - floor) * (1 + math.cos(math.pi * t)) / 2
    if schedule["kind"] == "poly":  # DeepLab's "poly" policy: (1 - t)^power
        return floor + (base - floor) * (1 - t) ** schedule["power"]
    raise ValueError(f"schedule {schedule['kind']} does not follow time; only {', '.join(TIMED_SCHEDULES)} do")


class Clock:
    """Wall seconds of a training run, earlier runs of it included (`before`, from last.pt),
    and the share of this process's seconds that validation and checkpoints took."""

    def __init__(self, budget, before=0.0):
        self.budget = budget
        self.before = before
        self.start = time.monotonic()
        self.epoch_end = 0.0  # seconds of validation and checkpoints in this process

    def elapsed(self):
        return self.before + time.monotonic() - self.start

    def spent(self, elapsed):
        return self.budget is not None and elapsed >= self.budget

    def validation_due(self, first, last):
        """Always without a budget. With one: the first and the last epoch, and in between
        only while validation and checkpoints have taken at most EPOCH_END_SHARE of the time."""
        if self.budget is None or first or last:
            return True
        seconds = time.monotonic() - self.start
        return seconds <= 0 or self.epoch_end / seconds <= EPOCH_END_SHARE
