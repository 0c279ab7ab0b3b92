// Compiles the reference specs and reads back the SVG's structure (boxes, arrows, labels).
import { compileFile } from '../../../src/node/compile-file.ts';
import type { Model } from '../../../src/language/ir/types.ts';

export function model(spec: string, input?: (number | null)[]): Model {
  const result = compileFile(`specs/${spec}.unet`, input ? { input } : {});
  if (!result.model) throw new Error(`${spec}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.model;
}

const attrs = (text: string): Record<string, string> => Object.fromEntries([...text.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

export interface SvgBox { kind: string; node: string; x: number; y: number; w: number; h: number }
export interface SvgArrow { kind: string; op: string }
export interface SvgText { role: string; text: string; x: number; y: number; rotated: boolean }

/** The maps, diagram arrows (not the legend's) and texts of a rendered diagram. */
export function parseSvg(svg: string): { boxes: SvgBox[]; arrows: SvgArrow[]; texts: SvgText[] } {
  const boxes = [...svg.matchAll(/<rect ([^>]*class="box [^>]*)\/>/g)].map((m) => {
    const a = attrs(m[1]!);
    return { kind: a['class']!.split(' ')[1]!, node: a['data-node']!, x: +a['x']!, y: +a['y']!, w: +a['width']!, h: +a['height']! };
  });
  const arrows = [...svg.matchAll(/<g ([^>]*class="arrow [^>]*)>/g)].map((m) => {
    const a = attrs(m[1]!);
    return { kind: a['class']!.split(' ')[1]!, op: a['data-op']! };
  });
  const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => {
    const a = attrs(m[1]!);
    return { role: a['class']!, text: m[2]!, x: +a['x']!, y: +a['y']!, rotated: 'transform' in a };
  });
  return { boxes, arrows, texts };
}

/** The size label drawn at a box's lower left (rotated beside it, or below it). */
export function sizeLabelOf(box: SvgBox, texts: SvgText[]): string {
  const d = (t: SvgText) => Math.hypot(t.x - box.x, t.y - (box.y + box.h));
  return texts.filter((t) => t.role === 'size').sort((a, b) => d(a) - d(b))[0]!.text;
}

/** The channel label just above a box. */
export function channelLabelOf(box: SvgBox, texts: SvgText[]): string {
  const d = (t: SvgText) => Math.hypot(t.x - (box.x + box.w / 2), t.y - box.y);
  return texts.filter((t) => t.role === 'channels' && t.y < box.y).sort((a, b) => d(a) - d(b))[0]!.text;
}
