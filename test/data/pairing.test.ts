// The pairing rule of `--data DIR` and of files dropped into the playground, on names alone.
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.ts';
import { listingOf, planPairs } from '../../src/data/pairing.ts';

const plan = (paths: string[]) => planPairs('', listingOf(paths).listing);

describe('planPairs', () => {
  it('pairs images/ with masks/ by stem, whatever the extensions, in name order', () => {
    expect(plan(['images/b.png', 'images/a.jpg', 'masks/a.tif', 'masks/b.png'])).toEqual({
      kind: 'pairs',
      pairs: [{ name: 'a', image: 'images/a.jpg', mask: 'masks/a.tif' }, { name: 'b', image: 'images/b.png', mask: 'masks/b.png' }],
    });
  });

  it('takes labels/ for masks/, imgs/ + masks/<stem>_mask, stacks, and flat <stem> + <stem>_mask files', () => {
    expect(plan(['images/a.png', 'labels/a.png'])).toMatchObject({ pairs: [{ mask: 'labels/a.png' }] });
    expect(plan(['imgs/a.jpg', 'masks/a_mask.gif'])).toMatchObject({ pairs: [{ name: 'a', mask: 'masks/a_mask.gif' }] });
    expect(plan(['train-volume.tif', 'train-labels.tif'])).toEqual({ kind: 'stacks', images: 'train-volume.tif', labels: 'train-labels.tif' });
    expect(plan(['b.png', 'a_mask.png', 'a.png', 'b_mask.jpg', '.hidden_mask.png', 'notes.txt'])).toEqual({
      kind: 'pairs',
      pairs: [{ name: 'a', image: 'a.png', mask: 'a_mask.png' }, { name: 'b', image: 'b.png', mask: 'b_mask.jpg' }],
    });
  });

  it('drops the folder every path starts with (a folder chosen or dropped in a browser)', () => {
    const { listing, top } = listingOf(['data/images/a.png', 'data/masks/a.png']);
    expect(top).toBe('data/');
    expect(planPairs('data', listing)).toMatchObject({ pairs: [{ image: 'images/a.png', mask: 'masks/a.png' }] });
  });

  it.each([
    [['a.png', 'a_mask.png', 'b.png'], 'b.png: image has no mask (expected b_mask.<ext>)'],
    [['a.png', 'a_mask.png', 'c_mask.png'], 'c_mask.png: mask has no image (expected c.<ext>)'],
    [['images/a.png', 'masks/b.png'], 'images/a.png: image has no mask (expected masks/a.<ext>)'],
    [['images/a.png', 'masks/a.png', 'masks/b.png'], 'masks/b.png: mask has no image in images'],
    [['a.png', 'a.jpg', 'a_mask.png'], "a.png: two files share the stem 'a' (a.jpg and a.png)"],
    [['a.png', 'b.png'], 'the files: no data found: expected images/ with masks/ or labels/'],
  ])('%j: %s', (paths, message) => {
    expect(() => plan(paths)).toThrow(DataError);
    expect(() => plan(paths)).toThrow(message);
  });
});
