// Golden tests on the diagram's structure for the reference specs: which maps, which
// arrows with which words, which labels. Coordinates are left to the eye (docs/images/).
// UPDATE_GOLDEN=1 npx vitest run test/language/draw rewrites test/fixtures/draw/*.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawSvg } from '../../../src/language/draw/index.ts';
import { channelLabelOf, model, parseSvg, sizeLabelOf } from './helpers.ts';

const SPECS = ['ronneberger2015', 'milesial', 'milesial-bilinear', 'unet3d', 'attention'];

const count = <T>(items: T[], pred: (t: T) => boolean) => items.filter(pred).length;

describe('diagram structure (golden)', () => {
  for (const spec of SPECS) {
    it(spec, () => {
      const { boxes, arrows, texts } = parseSvg(drawSvg(model(spec)));
      const summary = {
        boxes: boxes.map((b) => `${b.kind} ${b.node}`),
        arrows: arrows.map((a) => `${a.kind}: ${a.op}`),
        texts: texts.map((t) => `${t.role}: ${t.text}`),
      };
      const path = `test/fixtures/draw/${spec}.json`;
      const json = JSON.stringify(summary, null, 2) + '\n';
      if (process.env['UPDATE_GOLDEN'] || !existsSync(path)) writeFileSync(path, json);
      expect(json).toBe(readFileSync(path, 'utf8'));
    });
  }
});

describe('ronneberger2015 reads like the paper', () => {
  const { boxes, arrows, texts } = parseSvg(drawSvg(model('ronneberger2015')));

  it('has one box per map: input, 2 convs per stage, copy + up-conv per decoder level, output', () => {
    expect(boxes).toHaveLength(1 + 4 * 2 + 2 + 4 * 4 + 1);
    expect(count(boxes, (b) => b.kind === 'copy')).toBe(4);
    expect(boxes[0]).toMatchObject({ kind: 'input', node: 'input' });
    expect(boxes.at(-1)).toMatchObject({ kind: 'output', node: 'head.out' });
  });

  it('labels channels 1, 64 ... 1024, 2 and the sizes at the corners of the U', () => {
    const channels = new Set(texts.filter((t) => t.role === 'channels').map((t) => t.text));
    for (const c of ['1', '64', '128', '256', '512', '1024', '2']) expect(channels).toContain(c);
    const topLeft = boxes.reduce((a, b) => (b.x < a.x ? b : a));
    const topRight = boxes.reduce((a, b) => (b.x + b.w > a.x + a.w ? b : a));
    expect(sizeLabelOf(topLeft, texts)).toBe('572x572');
    expect(sizeLabelOf(topRight, texts)).toBe('388x388');
    const centre = (b: (typeof boxes)[number]) => b.y + b.h / 2;
    const lowest = Math.max(...boxes.map(centre));
    const bottom = boxes.filter((b) => Math.abs(centre(b) - lowest) < 1);
    expect(bottom.map((b) => b.node)).toEqual(['bottom.conv1', 'bottom.conv2']);
    expect(bottom.map((b) => channelLabelOf(b, texts))).toEqual(['1024', '1024']);
    expect(bottom.map((b) => sizeLabelOf(b, texts))).toEqual(['30x30', '28x28']);
  });

  it('draws the encoder descending on the left and the decoder rising on the right', () => {
    const at = (node: string) => boxes.find((b) => b.node === node)!;
    for (let l = 1; l < 4; l++) {
      expect(at(`enc${l}.conv2`).y).toBeLessThan(at(`enc${l + 1}.conv1`).y);
      expect(at(`enc${l}.conv2`).x).toBeLessThan(at(`enc${l + 1}.conv1`).x);
      expect(at(`dec${l + 1}.conv2`).y).toBeGreaterThan(at(`dec${l}.up`).y);
      expect(at(`dec${l + 1}.conv2`).x).toBeLessThan(at(`dec${l}.conv1`).x);
    }
    // Maps at one level share a row: the copy sits level with its source.
    expect(at('dec1.crop').y + at('dec1.crop').h / 2).toBeCloseTo(at('enc1.conv2').y + at('enc1.conv2').h / 2, 1);
  });

  it('styles the arrows per operation, with the words of the paper', () => {
    const ops = (kind: string) => arrows.filter((a) => a.kind === kind).map((a) => a.op);
    expect(ops('skip')).toEqual(Array(4).fill('copy and crop'));
    expect(ops('up')).toEqual(Array(4).fill('up-conv 2x2'));
    expect(ops('pool')).toEqual(Array(4).fill('max pool 2x2'));
    expect(ops('head')).toEqual(['conv 1x1, softmax']);
    expect(new Set(ops('conv'))).toEqual(new Set(['conv 3x3, ReLU']));
    expect(ops('conv')).toHaveLength(14);
  });

  it('has a legend with one entry per arrow kind and a caption with the totals', () => {
    const legend = texts.filter((t) => t.role === 'legend').map((t) => t.text);
    expect(legend).toEqual(['conv 3x3, ReLU', 'max pool 2x2', 'up-conv 2x2', 'copy and crop', 'conv 1x1, softmax']);
    const caption = texts.filter((t) => t.role === 'caption').map((t) => t.text).join('\n');
    expect(caption).toContain('31,030,658 parameters');
    expect(caption).toContain('300.86 GFLOPs');
  });
});

describe('the other reference specs', () => {
  it('milesial-bilinear: bilinear up arrows, plain copies (no crop), symbolic sizes', () => {
    const { boxes, arrows, texts } = parseSvg(drawSvg(model('milesial-bilinear')));
    expect(boxes).toHaveLength(28);
    expect(arrows.filter((a) => a.kind === 'up').map((a) => a.op)).toEqual(Array(4).fill('bilinear'));
    expect(arrows.filter((a) => a.kind === 'skip').map((a) => a.op)).toEqual(Array(4).fill('copy'));
    expect(arrows.some((a) => a.op.includes('crop'))).toBe(false);
    expect(new Set(arrows.filter((a) => a.kind === 'conv').map((a) => a.op))).toEqual(new Set(['conv 3x3, BN, ReLU']));
    const sizes = texts.filter((t) => t.role === 'size').map((t) => t.text);
    expect(sizes).toContain('H x W');
    expect(sizes).toContain('H/16 x W/16');
    expect(texts.find((t) => t.role === 'caption' && t.text.includes('parameters'))!.text).toContain('FLOPs depend on the input size');
  });

  it('milesial: up-conv arrows and copies', () => {
    const { boxes, arrows } = parseSvg(drawSvg(model('milesial')));
    expect(boxes).toHaveLength(28);
    expect(arrows.filter((a) => a.kind === 'up').map((a) => a.op)).toEqual(Array(4).fill('up-conv 2x2'));
    expect(arrows.filter((a) => a.kind === 'skip').map((a) => a.op)).toEqual(Array(4).fill('copy'));
  });

  it('unet3d: 3D sizes as DxHxW, 3x3x3 convs, depth 3', () => {
    const { boxes, arrows, texts } = parseSvg(drawSvg(model('unet3d')));
    expect(boxes).toHaveLength(1 + 3 * 2 + 2 + 3 * 4 + 1);
    expect(sizeLabelOf(boxes[0]!, texts)).toBe('116x132x132');
    expect(arrows.filter((a) => a.kind === 'up').map((a) => a.op)).toEqual(Array(3).fill('up-conv 2x2x2'));
    expect(arrows.filter((a) => a.kind === 'skip').map((a) => a.op)).toEqual(Array(3).fill('copy and crop'));
    expect(arrows.filter((a) => a.kind === 'pool').map((a) => a.op)).toEqual(Array(3).fill('max pool 2x2x2'));
    expect(new Set(arrows.filter((a) => a.kind === 'conv').map((a) => a.op))).toEqual(new Set(['conv 3x3x3, BN, ReLU']));
  });

  it('attention: gated skips, strided-conv downsampling, bilinear + conv upsampling', () => {
    const { arrows } = parseSvg(drawSvg(model('attention')));
    expect(arrows.filter((a) => a.kind === 'skip').map((a) => a.op)).toEqual(Array(4).fill('attention gate'));
    expect(new Set(arrows.filter((a) => a.kind === 'pool').map((a) => a.op))).toEqual(new Set(['conv 2x2 stride 2, GN, LeakyReLU']));
    expect(new Set(arrows.filter((a) => a.kind === 'up').map((a) => a.op))).toEqual(new Set(['bilinear, conv 3x3, ReLU']));
  });

  it('no skips: no skip arrows and no copied maps', () => {
    const result = parseSvg(drawSvg(model('ablations/no-skips')));
    expect(result.arrows.filter((a) => a.kind === 'skip')).toEqual([]);
    expect(result.boxes.filter((b) => b.kind === 'copy')).toEqual([]);
  });

  it('an --input size fixes the symbolic sizes', () => {
    const { texts } = parseSvg(drawSvg(model('milesial-bilinear', [3, 256, 256])));
    const sizes = texts.filter((t) => t.role === 'size').map((t) => t.text);
    expect(sizes).toContain('256x256');
    expect(sizes).toContain('16x16');
  });
});

describe('determinism', () => {
  it('the same spec gives the same SVG bytes', () => {
    for (const spec of SPECS) expect(drawSvg(model(spec))).toBe(drawSvg(model(spec)));
  });

  it('numbers have at most one decimal', () => {
    const svg = drawSvg(model('ronneberger2015'));
    expect(svg).not.toMatch(/="[^"]*\d\.\d\d/);
    expect(svg.startsWith('<?xml')).toBe(true);
  });
});
