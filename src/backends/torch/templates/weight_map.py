# The U-Net paper's loss weight map (Ronneberger et al. 2015, sec. 3, eq. 2), defined exactly
# as src/data/weight-map.ts of unet-dsl:
#   w(x) = w_c(x) + w0 * exp(-(d1(x) + d2(x))^2 / (2 sigma^2))
# d1, d2 = distance to the border of the nearest and the second-nearest cell. The border term
# makes the network learn the thin background gaps that separate touching cells.
#
# Written by `unet emit torch`; needs numpy and scipy (Debian: python3-scipy). train.py imports
# it only for `loss weighted_ce`.
import math

import numpy as np
from scipy import ndimage


def class_balance_weights(mask, classes):
    """w_c(k) = 1 / freq_k, scaled so the most frequent class weighs 1; a class that never occurs
    gets weight 1 (it has no pixels to weigh). Frequencies of this mask alone."""
    counts = np.bincount(mask.ravel(), minlength=classes).astype(np.float64)
    return np.where(counts == 0, 1.0, counts.max() / np.maximum(counts, 1))


def nearest_cell_distances(cells, margin):
    """Distance of every pixel to the nearest (d1) and second-nearest (d2) cell (inf if none).
    cells: labels 0 = no cell, 1..n = cell. One exact EDT per cell, restricted to its bounding box
    grown by `margin`, as ours: farther pixels keep inf for that cell, which only drops a border
    term below w0 * exp(-8) at the default margin of 4 sigma."""
    height, width = cells.shape
    d1 = np.full(cells.shape, np.inf)
    d2 = np.full(cells.shape, np.inf)
    grow = math.ceil(margin)
    for label, box in enumerate(ndimage.find_objects(cells), start=1):
        if box is None:
            continue
        rows, cols = box
        window = (slice(max(0, rows.start - grow), min(height, rows.stop + grow)),
                  slice(max(0, cols.start - grow), min(width, cols.stop + grow)))
        d = ndimage.distance_transform_edt(cells[window] != label)
        nearest, second = d1[window], d2[window]
        d2[window] = np.where(d < nearest, nearest, np.minimum(second, d))
        d1[window] = np.minimum(nearest, d)
    return d1, d2


def unet_weight_map(mask, classes, w0=10.0, sigma=5.0, cell_class=1):
    """The weight map (float32 [H, W]) of one mask of class indices (int [H, W]); U-Net paper,
    sec. 3: w0 = 10, sigma = 5 px. Cells are the 4-connected components of `cell_class` (scipy's
    default structure). The border term is added outside cells only: inside, d1 = 0 and it would
    only blur the cell edges. With fewer than two cells d2 is inf and the term vanishes."""
    mask = np.asarray(mask, dtype=np.int64)
    cells, _ = ndimage.label(mask == cell_class)
    d1, d2 = nearest_cell_distances(cells, 4 * sigma)
    s = d1 + d2
    border = w0 * np.exp(-(s * s) / (2 * sigma * sigma))
    weights = class_balance_weights(mask, classes)[mask] + np.where(cells == 0, border, 0.0)
    return weights.astype(np.float32)
