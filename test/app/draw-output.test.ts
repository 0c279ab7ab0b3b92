// The PNG (sharp must draw the text too) and the `unet draw` command: files, errors, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { UNET } from '../helpers/cli.ts';
import { drawSvg } from '../../src/language/draw/index.ts';
import { layout } from '../../src/language/draw/layout.ts';
import { diagramFormat, svgToPng } from '../../src/app/draw-output.ts';
import { model } from '../language/draw/helpers.ts';

/** Pixels darker than mid-gray: strokes, fills of arrows and text. */
async function darkPixels(png: Buffer): Promise<number> {
  const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
}

describe('PNG', () => {
  it('is the SVG at twice its size, with the text drawn', async () => {
    const m = model('ronneberger2015');
    const svg = drawSvg(m);
    const png = await svgToPng(svg);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const meta = await sharp(png).metadata();
    const { width, height } = layout(m);
    expect(meta.width).toBe(Math.round(2 * width));
    expect(meta.height).toBe(Math.round(2 * height));
    expect(meta.width! / meta.height!).toBeGreaterThan(1.2);
    expect(png.length).toBeLessThan(300_000);
    // Without its text elements the same diagram has clearly fewer dark pixels.
    const withoutText = await svgToPng(svg.replace(/<text [^>]*>[^<]*<\/text>/g, ''));
    expect(await darkPixels(png)).toBeGreaterThan((await darkPixels(withoutText)) * 1.3);
  });
});

describe('unet draw', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-draw-'));
  const unet = (...args: string[]) => spawnSync(process.execPath, [UNET, 'draw', ...args], { encoding: 'utf8' });

  it('writes an SVG equal to drawSvg and a PNG', () => {
    const svgPath = join(dir, 'r.svg');
    const r = unet('specs/ronneberger2015.unet', '--out', svgPath);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(svgPath, 'utf8')).toBe(drawSvg(model('ronneberger2015')));
    const pngPath = join(dir, 'b.png');
    expect(unet('specs/milesial-bilinear.unet', '--input', '3x256x256', '--out', pngPath).status).toBe(0);
    expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects a bad extension and an unwritable path with exit code 1', () => {
    expect(() => diagramFormat('x.jpg')).toThrow('--out must end in .svg or .png, found "x.jpg"');
    const bad = unet('specs/ronneberger2015.unet', '--out', join(dir, 'x.jpg'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('must end in .svg or .png');
    const missing = join(dir, 'no-such-folder', 'x.svg');
    const unwritable = unet('specs/ronneberger2015.unet', '--out', missing);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toContain(`cannot write ${missing}: the folder`);
    expect(existsSync(join(dir, 'x.jpg'))).toBe(false);
  });

  it('prints the spec diagnostics and exits 1 for a spec that does not compile', () => {
    const r = unet('specs/no-such.unet', '--out', join(dir, 'n.svg'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot read');
  });
});
