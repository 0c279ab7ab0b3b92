// Layout -> SVG text. Colours follow the U-Net paper's Figure 1: blue conv arrows, red pool,
// green up, gray copy, teal 1x1 head; blue maps, white copied maps.
import type { Arrow, ArrowKind, Box, BoxKind, Label, Layout } from './layout.ts';
import { el, num, points, textEl } from './svg.ts';

const ARROW_COLOURS: Record<ArrowKind, string> = { conv: '#1f5fa8', pool: '#c62828', up: '#2e8b3a', skip: '#808080', head: '#0f9b9b' };
const BOX_FILLS: Record<BoxKind, string> = { input: '#b9d3ee', map: '#b9d3ee', copy: '#ffffff', output: '#b9d3ee' };
const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const HEAD = 7;

function arrow(a: Arrow, cls: string): string {
  const [[x1, y1], [x2, y2]] = [a.from, a.to];
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const [ux, uy] = [(x2 - x1) / len, (y2 - y1) / len];
  // The line stops where the head begins so the tip stays sharp.
  const [bx, by] = [x2 - ux * HEAD, y2 - uy * HEAD];
  const colour = ARROW_COLOURS[a.kind];
  const head = points([
    [x2, y2],
    [bx - uy * HEAD * 0.5, by + ux * HEAD * 0.5],
    [bx + uy * HEAD * 0.5, by - ux * HEAD * 0.5],
  ]);
  return el('g', { class: `${cls} ${a.kind}`, 'data-op': a.label }, [
    el('line', { x1, y1, x2: bx, y2: by, stroke: colour, 'stroke-width': a.kind === 'skip' ? 2.5 : 2 }),
    el('polygon', { points: head, fill: colour }),
  ]);
}

const box = (b: Box): string =>
  el('rect', { class: `box ${b.kind}`, 'data-node': b.id, x: b.x, y: b.y, width: b.w, height: b.h, fill: BOX_FILLS[b.kind], stroke: '#1b2f4f', 'stroke-width': 1 });

const label = (l: Label): string =>
  textEl(
    'text',
    { class: l.role, x: l.x, y: l.y, 'text-anchor': l.anchor, 'font-size': l.fontSize, transform: l.rotate ? `rotate(-90 ${num(l.x)} ${num(l.y)})` : undefined },
    l.text,
  );

export function renderSvg(layout: Layout): string {
  const { width, height } = layout;
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${num(width)} ${num(height)}`, 'font-family': FONT_FAMILY, fill: '#111111' },
    [
      el('rect', { class: 'background', x: 0, y: 0, width, height, fill: '#ffffff' }),
      el('g', { class: 'maps' }, layout.boxes.map(box)),
      el('g', { class: 'arrows' }, layout.arrows.map((a) => arrow(a, 'arrow'))),
      el('g', { class: 'legend' }, layout.legend.map((a) => arrow(a, 'legend-arrow'))),
      el('g', { class: 'labels' }, layout.labels.map(label)),
    ],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
