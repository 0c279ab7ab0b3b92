import { describe, expect, it } from 'vitest';
import { loadDataSource } from '../../src/data/source.ts';

describe('loadDataSource', () => {
  it('makes builtin:ellipses with the given options', async () => {
    const samples = await loadDataSource('builtin:ellipses', { ellipses: { count: 3, size: 32, seed: 1 } });
    expect(samples.map((s) => [s.image.height, s.mask.width])).toEqual([[32, 32], [32, 32], [32, 32]]);
  });

  it('names the known built-ins for an unknown one, and reads folders otherwise', async () => {
    await expect(loadDataSource('builtin:circles')).rejects.toThrow(/known: builtin:ellipses/);
    await expect(loadDataSource('/nonexistent/folder')).rejects.toThrow(/does not exist/);
  });
});
