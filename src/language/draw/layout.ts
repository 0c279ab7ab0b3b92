// IR -> positioned boxes, arrows and labels of the U diagram (U-Net paper, Figure 1).
// No SVG here: render.ts draws what this file places.
//
// One box per feature map: the input, every conv output of a stage, the upsampled map with
// the copied skip map beside it, and the output. Levels run from top (level 1) to bottom;
// the encoder descends on the left, the decoder rises on the right. Box height grows with
// the spatial size and width with the channel count, both log-scaled so a 572 px map and
// 1024 channels stay on the page.
import type { Model, Node, Shape } from '../ir/types.ts';
import { formatCount, formatShape, formatSize } from '../shapes/format.ts';
import { convText, downText, skipText, upText } from './ops.ts';

export type ArrowKind = 'conv' | 'pool' | 'up' | 'skip' | 'head';
export type BoxKind = 'input' | 'map' | 'copy' | 'output';
export type Point = [number, number];

export interface Box {
  /** The IR node whose output the box shows. */
  id: string;
  kind: BoxKind;
  level: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Arrow {
  kind: ArrowKind;
  /** The legend's words for it: "conv 3x3, ReLU", "copy and crop". */
  label: string;
  from: Point;
  to: Point;
}

export interface Label {
  role: 'channels' | 'size' | 'note' | 'legend' | 'caption';
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  /** Reads upwards (rotated -90 degrees about x, y), as the sizes in the paper. */
  rotate: boolean;
  fontSize: number;
}

export interface Layout {
  width: number;
  height: number;
  boxes: Box[];
  arrows: Arrow[];
  labels: Label[];
  /** The legend's sample arrows (their words are legend labels). */
  legend: Arrow[];
}

export const ARROW_ORDER: ArrowKind[] = ['conv', 'pool', 'up', 'skip', 'head'];

const MARGIN = 24;
/** Least horizontal room between maps: the conv arrow plus a rotated size label. */
const MIN_GAP = 44;
const ROW_GAP = 50;
/** Where a vertical arrow meets a box, from the box's edge. */
const INSET = 8;
const FONT = 11;
const SIZE_FONT = 10;
/** Input extent assumed for box heights when the input size is open. */
const NOMINAL = 512;

/** A rough text width (DejaVu Sans digits are about 0.62 em). */
const textWidth = (text: string, fontSize: number) => text.length * fontSize * 0.62;

const boxWidth = (channels: number) => 8 + 4.5 * Math.log2(Math.max(channels, 1));

function boxHeight(shape: Shape): number {
  // H and W decide the height; in 3D the depth would only shrink every box alike.
  const extents = shape.size.slice(-2).map((s, i) => {
    const sym = shape.symbolic[shape.symbolic.length - 2 + i]!;
    return s ?? (NOMINAL * sym.num) / sym.den + sym.offset;
  });
  return Math.max(22, 30 * (Math.log2(Math.max(...extents, 1)) - 3));
}

/** "572x572", "116x132x132", or "H/16 x W/16" when the size is open. */
export function sizeText(model: Model, shape: Shape): string {
  const axes = model.dims === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  const parts = shape.size.map((s, i) => formatSize(s, shape.symbolic[i]!, axes[i]!));
  return parts.join(shape.size.some((s) => s === null) ? ' x ' : 'x');
}

/** A box before rows are known: y comes later. */
interface Draft extends Box {
  shape: Shape;
  /** Text over the box (null: none), centred over `labelWidth`. */
  channels: string | null;
  labelWidth: number;
  size: string | null;
  /** x of a vertical arrow meeting the box's top, which the channel label steps aside for. */
  topArrowX?: number;
  /** x of a vertical arrow meeting the box's bottom, which a size label below starts after. */
  bottomArrowX?: number;
}

interface Link {
  kind: ArrowKind;
  label: string;
  from: Draft;
  to: Draft;
  /** right: centre to centre; down/up: vertical at x. */
  dir: 'right' | 'down' | 'up';
  x?: number;
}

/** Nodes grouped by stage (the id prefix: "enc1", "down1", "dec4", "head"), in graph order. */
function stages(model: Model): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const n of model.nodes) {
    const stage = n.id.split('.')[0]!;
    out.set(stage, [...(out.get(stage) ?? []), n]);
  }
  return out;
}

class Placer {
  readonly boxes: Draft[] = [];
  readonly links: Link[] = [];
  /** The current end of the U. */
  last: Draft | null = null;
  /** Level -> the encoder's last map at that level (where skips start). */
  readonly encoderEnd = new Map<number, Draft>();

  constructor(
    readonly model: Model,
    readonly gap: number,
  ) {}

  box(node: Node, kind: BoxKind, x: number, level = node.role.level): Draft {
    const w = boxWidth(node.shape.channels);
    const b: Draft = { id: node.id, kind, level, x, y: 0, w, h: boxHeight(node.shape), shape: node.shape, channels: String(node.shape.channels), labelWidth: w, size: sizeText(this.model, node.shape) };
    this.boxes.push(b);
    return b;
  }

  /** A map to the right of the last one, reached by a horizontal arrow. */
  right(node: Node, kind: BoxKind, arrow: ArrowKind, label: string): Draft {
    const from = this.last!;
    const b = this.box(node, kind, from.x + from.w + this.gap);
    this.links.push({ kind: arrow, label, from, to: b, dir: 'right' });
    return (this.last = b);
  }

  /** The first map of a lower level, below the last map, reached by the pool arrow. */
  below(node: Node, label: string): Draft {
    const from = this.last!;
    const x = from.x + from.w / 2;
    from.bottomArrowX = x;
    const b = this.box(node, 'map', x - INSET);
    b.topArrowX = x;
    this.links.push({ kind: 'pool', label, from, to: b, dir: 'down', x });
    return (this.last = b);
  }

  encoder(stage: string, nodes: Node[]): void {
    for (const n of nodes.filter((n) => /^[a-z]+\d*\.conv\d+$/.test(n.id))) {
      if (n.op !== 'conv') continue;
      if (this.last!.level !== n.role.level) this.below(n, downText(this.model, this.last!.level) ?? 'down');
      else this.right(n, 'map', 'conv', convText(this.model, n));
    }
    if (stage !== 'bottom') this.encoderEnd.set(this.last!.level, this.last!);
  }

  decoder(stage: string, nodes: Node[]): void {
    const level = nodes[0]!.role.level;
    const byId = new Map(this.model.nodes.map((n) => [n.id, n]));
    const merge = nodes.find((n) => n.id === `${stage}.concat` || n.id === `${stage}.add`);
    const firstConv = nodes.find((n) => n.id === `${stage}.conv1`);
    const upNode = byId.get(merge ? merge.inputs[1]! : firstConv!.inputs[0]!)!;
    // The up arrow leaves the lower map near its right edge, clear of its channel label.
    const from = this.last!;
    const x = from.x + from.w - INSET;
    from.topArrowX = x;
    const up = this.box(upNode, 'map', x - boxWidth(upNode.shape.channels) / 2, level);
    up.bottomArrowX = x;
    this.links.push({ kind: 'up', label: upText(this.model, level) ?? 'up', from, to: up, dir: 'up', x });
    const skip = skipText(this.model, level);
    const source = this.encoderEnd.get(level);
    if (merge && skip && source) {
      // The copied map sits left of the upsampled one; together they are the merged map.
      const copy = this.box(byId.get(merge.inputs[0]!)!, 'copy', 0, level);
      copy.x = up.x - copy.w;
      copy.channels = String(merge.shape.channels);
      copy.labelWidth = copy.w + up.w;
      copy.bottomArrowX = x;
      up.channels = null;
      up.size = null;
      this.links.push({ kind: 'skip', label: skip, from: source, to: copy, dir: 'right' });
    }
    this.last = up;
    for (const n of nodes) if (n.op === 'conv' && /^dec\d+\.conv\d+$/.test(n.id)) this.right(n, 'map', 'conv', convText(this.model, n));
  }

  head(nodes: Node[]): void {
    for (const n of nodes) {
      if (n.op !== 'conv') continue;
      if (n.id === 'head.out') this.right(n, 'output', 'head', convText(this.model, n));
      else if (/^head\.conv\d+$/.test(n.id)) this.right(n, 'map', 'conv', convText(this.model, n));
    }
  }

  place(): void {
    const inputX = MARGIN + Math.max(...inputNote(this.model).map((l) => textWidth(l, FONT))) + SIZE_FONT + 12;
    for (const [stage, nodes] of stages(this.model)) {
      if (stage === 'input') this.last = this.box(nodes[0]!, 'input', inputX);
      else if (/^enc\d+$/.test(stage) || stage === 'bottom') this.encoder(stage, nodes);
      else if (/^dec\d+$/.test(stage)) this.decoder(stage, nodes);
      else if (stage === 'head') this.head(nodes);
    }
  }
}

const ends = (link: Link): [Point, Point] => {
  const { from, to } = link;
  if (link.dir === 'right') return [[from.x + from.w, from.y + from.h / 2], [to.x, to.y + to.h / 2]];
  if (link.dir === 'down') return [[link.x!, from.y + from.h], [link.x!, to.y]];
  return [[link.x!, from.y], [link.x!, to.y + to.h]];
};

const sizeRotated = (b: Draft) => textWidth(b.size ?? '', SIZE_FONT) <= b.h / 2 - 4;

function sizeStart(b: Draft): number {
  const clash = b.bottomArrowX !== undefined && b.bottomArrowX - b.x < textWidth(b.size ?? '', SIZE_FONT) + 4;
  return clash ? b.bottomArrowX! + 4 : b.x;
}

/** Room between maps so that size labels below the boxes do not run into the next map's. */
function gapFor(boxes: Draft[]): number {
  const overhang = boxes.filter((b) => b.size !== null && !sizeRotated(b)).map((b) => sizeStart(b) - b.x + textWidth(b.size!, SIZE_FONT) - b.w);
  return Math.max(MIN_GAP, ...overhang.map((o) => o + 16));
}

function boxLabels(b: Draft): Label[] {
  const labels: Label[] = [];
  if (b.channels !== null) {
    const w = textWidth(b.channels, FONT);
    let x = b.x + b.labelWidth / 2;
    let anchor: Label['anchor'] = 'middle';
    // Step aside for an arrow through the label's place.
    if (b.topArrowX !== undefined && Math.abs(b.topArrowX - x) < w / 2 + 3) {
      if (b.topArrowX < x) [x, anchor] = [b.topArrowX + 5, 'start'];
      else [x, anchor] = [b.topArrowX - 5, 'end'];
    }
    labels.push({ role: 'channels', text: b.channels, x, y: b.y - 5, anchor, rotate: false, fontSize: FONT });
  }
  if (b.size !== null) {
    // Rotated at the lower left as in the paper when it stays below the incoming arrow;
    // otherwise below the box, after any arrow leaving or entering there.
    if (sizeRotated(b)) labels.push({ role: 'size', text: b.size, x: b.x - 3, y: b.y + b.h, anchor: 'start', rotate: true, fontSize: SIZE_FONT });
    else labels.push({ role: 'size', text: b.size, x: sizeStart(b), y: b.y + b.h + SIZE_FONT + 2, anchor: 'start', rotate: false, fontSize: SIZE_FONT });
  }
  return labels;
}

// The paper's words beside the two ends of the U; "tile" because valid padding needs the
// overlap-tile strategy (U-Net paper, sec. 2).
const inputNote = (model: Model) => ['input', model.dims === 3 ? 'volume' : 'image', ...(model.padding === 'valid' ? ['tile'] : [])];
const OUTPUT_NOTE = ['output', 'segmentation', 'map'];

/** Lines of text centred on a box's left or right side. */
function note(lines: string[], b: Box, side: 'left' | 'right'): Label[] {
  const top = b.y + b.h / 2 - ((lines.length - 1) * (FONT + 3)) / 2 + FONT / 3;
  const x = side === 'left' ? b.x - SIZE_FONT - 10 : b.x + b.w + 8;
  return lines.map((text, i) => ({ role: 'note', text, x, y: top + i * (FONT + 3), anchor: side === 'left' ? 'end' : 'start', rotate: false, fontSize: FONT }));
}


function captionLines(model: Model): string[] {
  const t = model.totals;
  const flops = t.flops === null ? 'FLOPs depend on the input size' : `${(t.flops / 1e9).toFixed(2)} GFLOPs`;
  return [
    `${model.name}: ${model.dims}D, ${model.padding} padding, depth ${model.depth}; input ${formatShape(model, model.input)}, output ${formatShape(model, model.output)}`,
    `${formatCount(t.params)} parameters, ${t.convLayers} conv layers, ${flops}`,
  ];
}

export function layout(model: Model): Layout {
  let placer = new Placer(model, MIN_GAP);
  placer.place();
  const gap = gapFor(placer.boxes);
  if (gap > MIN_GAP) {
    placer = new Placer(model, gap);
    placer.place();
  }
  const boxes = placer.boxes;

  // Rows: each level as tall as its tallest map, levels stacked from the top.
  const maxLevel = Math.max(...boxes.map((b) => b.level));
  const rowHeight = (l: number) => Math.max(0, ...boxes.filter((b) => b.level === l).map((b) => b.h));
  const centre: number[] = [];
  let y = MARGIN + FONT + 6;
  for (let l = 1; l <= maxLevel; l++) {
    centre[l] = y + rowHeight(l) / 2;
    y += rowHeight(l) + ROW_GAP;
  }
  for (const b of boxes) b.y = centre[b.level]! - b.h / 2;
  const rowBottom = (l: number) => centre[l]! + rowHeight(l) / 2 + SIZE_FONT + 4;

  const arrows: Arrow[] = placer.links.map((link) => {
    const [from, to] = ends(link);
    return { kind: link.kind, label: link.label, from, to };
  });
  const labels = boxes.flatMap(boxLabels);
  const input = boxes.find((b) => b.kind === 'input');
  const output = boxes.find((b) => b.kind === 'output');
  if (input) labels.push(...note(inputNote(model), input, 'left'));
  if (output) labels.push(...note(OUTPUT_NOTE, output, 'right'));

  // The legend sits right of the lowest rows, below the upper decoder, as in the paper.
  // One line per arrow colour; differing words of one colour share it.
  const entries = ARROW_ORDER.map((kind) => ({ kind, label: [...new Set(arrows.filter((a) => a.kind === kind).map((a) => a.label))].join('; ') })).filter((e) => e.label);
  const lowRows = boxes.filter((b) => b.level >= Math.max(2, maxLevel - 1));
  const legendX = Math.max(...lowRows.map((b) => b.x + b.w)) + 40;
  const legendY = (maxLevel >= 3 ? rowBottom(maxLevel - 2) : rowBottom(maxLevel)) + 16;
  const legend: Arrow[] = [];
  entries.forEach((e, i) => {
    const ly = legendY + i * 20;
    legend.push({ kind: e.kind, label: e.label, from: [legendX, ly], to: [legendX + 30, ly] });
    labels.push({ role: 'legend', text: e.label, x: legendX + 38, y: ly + 4, anchor: 'start', rotate: false, fontSize: FONT });
  });

  const right = Math.max(...boxes.map((b) => b.x + b.w), ...labels.map((l) => (l.rotate ? l.x : l.x + (l.anchor === 'start' ? textWidth(l.text, l.fontSize) : 0))));
  const captionY = Math.max(rowBottom(maxLevel), legendY + entries.length * 20) + 20;
  const lines = captionLines(model);
  lines.forEach((text, i) => labels.push({ role: 'caption', text, x: MARGIN, y: captionY + i * 18, anchor: 'start', rotate: false, fontSize: FONT + 1 }));
  const width = Math.max(right, MARGIN + Math.max(...lines.map((l) => textWidth(l, FONT + 1)))) + MARGIN;
  const height = captionY + (lines.length - 1) * 18 + MARGIN;

  return { width, height, boxes: boxes.map(({ id, kind, level, x, y, w, h }) => ({ id, kind, level, x, y, w, h })), arrows, labels, legend };
}
