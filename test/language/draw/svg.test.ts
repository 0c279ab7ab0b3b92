import { describe, expect, it } from 'vitest';
import { el, escapeXml, num, points, textEl } from '../../../src/language/draw/svg.ts';

describe('svg builders', () => {
  it('round numbers to one decimal, without -0', () => {
    expect([num(1), num(1.04), num(1.05), num(2.25), num(-0.01), num(1 / 3)]).toEqual(['1', '1', '1.1', '2.3', '0', '0.3']);
  });

  it('sort attributes and drop absent ones', () => {
    expect(el('rect', { y: 2, x: 1.26, fill: undefined, class: 'box' })).toBe('<rect class="box" x="1.3" y="2"/>');
  });

  it('escape text and attribute values', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
    expect(textEl('text', { 'data-op': 'x"y' }, '<1024>')).toBe('<text data-op="x&quot;y">&lt;1024&gt;</text>');
  });

  it('nest children one per line', () => {
    expect(el('g', {}, [el('rect', {}), el('g', { id: 'a' }, [el('line', {})])])).toBe('<g>\n  <rect/>\n  <g id="a">\n    <line/>\n  </g>\n</g>');
    expect(points([[1, 2.04], [3.15, 4]])).toBe('1,2 3.2,4');
  });
});
