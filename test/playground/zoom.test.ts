// The diagram's zoom and pan arithmetic (playground/zoom.ts).
import { describe, expect, it } from 'vitest';
import { fit, initial, LEGIBLE_PX, MAX_SCALE, panBy, viewBox, zoomAt } from '../../playground/zoom.ts';

const drawing = { width: 1600, height: 900 };
const pane = { width: 800, height: 600 };

describe('diagram zoom', () => {
  it('fits the whole drawing, centred', () => {
    const v = fit(drawing, pane);
    expect(v.scale).toBe(0.5);
    expect(viewBox(v, pane)).toBe('0 -150 1600 1200');
  });

  it('starts with legible labels: the whole drawing when they are, else the top-left corner at a legible scale', () => {
    expect(initial(drawing, pane, 20)).toEqual(fit(drawing, pane));
    expect(initial(drawing, pane, 10)).toEqual({ x: 0, y: 0, scale: LEGIBLE_PX / 10 });
  });

  it('zooms about the pointer, which stays over the same point of the drawing', () => {
    const v = { x: 100, y: 50, scale: 0.5 };
    const z = zoomAt(v, 2, 200, 100);
    expect(z.scale).toBe(1);
    expect([z.x + 200 / z.scale, z.y + 100 / z.scale]).toEqual([v.x + 200 / v.scale, v.y + 100 / v.scale]);
    expect(zoomAt(v, 1e6, 0, 0).scale).toBe(MAX_SCALE);
  });

  it('pans with the pointer', () => {
    expect(panBy({ x: 100, y: 50, scale: 0.5 }, 20, -10)).toEqual({ x: 60, y: 70, scale: 0.5 });
  });
});
