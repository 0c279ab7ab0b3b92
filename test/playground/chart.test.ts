// The network page's training chart: one loss polyline point per step, one Dice dot per epoch
// on a fixed 0-1 scale, and a drawable (NaN-free) chart before the first step.
import { expect, it } from 'vitest';
import { chartSvg } from '../../playground/network/chart.ts';

const points = (svg: string) => /points="([^"]*)"/.exec(svg)![1]!.split(' ').filter(Boolean).map((p) => p.split(',').map(Number));
const dots = (svg: string) => [...svg.matchAll(/cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

it('draws a point per step, higher loss higher up, and the Dice of each epoch on 0 to 1', () => {
  const svg = chartSvg({ losses: [1.2, 0.9, 0.6, 0.5], dice: [{ step: 2, dice: 1 }, { step: 4, dice: 0 }] });
  const loss = points(svg);
  expect(loss).toHaveLength(4);
  for (let i = 1; i < loss.length; i++) {
    expect(loss[i]![0]).toBeGreaterThan(loss[i - 1]![0]!); // later steps to the right
    expect(loss[i]![1]).toBeGreaterThan(loss[i - 1]![1]!); // a lower loss lower down (SVG y grows downwards)
  }
  const [best, worst] = dots(svg);
  expect(best![0]).toBe(loss[1]![0]); // the Dice of an epoch sits at that epoch's last step
  expect(best![1]).toBe(loss[0]![1]); // Dice 1 at the top, where the largest loss is
  expect(worst![1]).toBeGreaterThan(best![1]!);
  expect(svg).toContain('loss 0.5000');
});

it('is a drawable chart before the first step', () => {
  const svg = chartSvg({ losses: [], dice: [] });
  expect(svg).not.toContain('NaN');
  expect(svg).toContain('points=""');
});
