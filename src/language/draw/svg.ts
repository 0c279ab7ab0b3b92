// Tiny SVG element builders. Like onnx/helper.py's make_node, they sort attributes and drop
// absent ones, and round every number to one decimal, so the same diagram is the same bytes.

export type Attrs = Record<string, string | number | undefined>;

/** One decimal, no trailing ".0", never "-0". */
export function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return String(r === 0 ? 0 : r);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function attrs(a: Attrs): string {
  return Object.keys(a)
    .sort()
    .filter((k) => a[k] !== undefined)
    .map((k) => {
      const v = a[k]!;
      return ` ${k}="${escapeXml(typeof v === 'number' ? num(v) : v)}"`;
    })
    .join('');
}

/** An element with child elements (already built) or none. */
export function el(name: string, a: Attrs, children: string[] = []): string {
  if (!children.length) return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>\n${children.map((c) => `  ${c.replace(/\n/g, '\n  ')}`).join('\n')}\n</${name}>`;
}

/** An element holding escaped text. */
export function textEl(name: string, a: Attrs, content: string): string {
  return `<${name}${attrs(a)}>${escapeXml(content)}</${name}>`;
}

/** "x1,y1 x2,y2 ..." for polygon and polyline points. */
export function points(pts: ReadonlyArray<readonly [number, number]>): string {
  return pts.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}
