// chart.png of a run: training and validation loss (left) and validation Dice (right) per
// epoch, drawn into an RGBA buffer (axes, curves, a legend in a 3x5 pixel font) and
// encoded by sharp. No plotting library: the picture is simple and stays dependency-free.
import sharp from 'sharp';
import type { EpochRecord } from '../../backends/tfjs/train/loop.ts';

type Color = [number, number, number];
const BLACK: Color = [0, 0, 0];
const GRAY: Color = [200, 200, 200];
const BLUE: Color = [31, 119, 180];
const ORANGE: Color = [255, 127, 14];
const GREEN: Color = [44, 160, 44];

// A 3x5 bitmap font with just the characters the chart writes.
const GLYPHS: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111',
  '4': '101101111001001', '5': '111100111001111', '6': '111100111101111', '7': '111001001010010',
  '8': '111101111101111', '9': '111101111001111', '.': '000000000000010', '-': '000000111000000',
  ' ': '000000000000000', a: '000011101101011', c: '000011100100011', D: '110101101101110',
  e: '010101111100011', h: '100100111101101', i: '010000010010010', l: '110010010010111',
  n: '000110101101101', o: '000010101101010', p: '000110101110100', r: '000101110100100',
  s: '000011110011110', t: '010111010010001', v: '000101101101010',
};
const SCALE = 2;

class Canvas {
  readonly data: Buffer;

  constructor(readonly width: number, readonly height: number) {
    this.data = Buffer.alloc(width * height * 4, 255);
  }

  set(x: number, y: number, [r, g, b]: Color): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set([r, g, b, 255], (y * this.width + x) * 4);
  }

  rect(x: number, y: number, w: number, h: number, color: Color): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, color);
  }

  /** A line of the given thickness, sampled at every pixel step (no gaps). */
  line(x0: number, y0: number, x1: number, y1: number, color: Color, thickness = 2): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let k = 0; k <= n; k++) {
      const x = x0 + ((x1 - x0) * k) / n;
      const y = y0 + ((y1 - y0) * k) / n;
      this.rect(x - thickness / 2, y - thickness / 2, thickness, thickness, color);
    }
  }

  text(x: number, y: number, s: string, color: Color = BLACK): void {
    [...s].forEach((ch, k) => {
      const glyph = GLYPHS[ch] ?? GLYPHS[' '];
      for (let p = 0; p < 15; p++) {
        if (glyph[p] === '1') this.rect(x + (k * 4 + (p % 3)) * SCALE, y + Math.floor(p / 3) * SCALE, SCALE, SCALE, color);
      }
    });
  }
}

/** Width in pixels of a string in the chart font. */
const textWidth = (s: string) => s.length * 4 * SCALE;

interface Series {
  label: string;
  color: Color;
  /** One value per epoch; null where the epoch was not validated (a budgeted run validates when due). */
  values: (number | null)[];
}

/**
 * One panel: axes, y range labels, x labels (epochs), curves and a legend, at the top for
 * falling curves (loss) and at the bottom for rising ones (Dice), where the curves are not.
 */
function panel(c: Canvas, x0: number, y0: number, w: number, h: number, series: Series[], yMax: number, legendAt: 'top' | 'bottom'): void {
  const epochs = series[0].values.length;
  c.line(x0, y0, x0, y0 + h, BLACK, 1);
  c.line(x0, y0 + h, x0 + w, y0 + h, BLACK, 1);
  c.line(x0, y0, x0 + w, y0, GRAY, 1);
  const yMaxLabel = yMax.toPrecision(3);
  c.text(x0 - textWidth(yMaxLabel) - 4, y0 - 4, yMaxLabel);
  c.text(x0 - textWidth('0') - 4, y0 + h - 4, '0');
  c.text(x0, y0 + h + 6, '1');
  c.text(x0 + w - textWidth(String(epochs)), y0 + h + 6, String(epochs));
  c.text(x0 + (w - textWidth('epoch')) / 2, y0 + h + 6, 'epoch');
  const px = (i: number) => x0 + (epochs === 1 ? w / 2 : (i * w) / (epochs - 1));
  const py = (v: number) => y0 + h - (Math.min(Math.max(v, 0), yMax) / yMax) * h;
  series.forEach((s, k) => {
    let previous = -1;
    s.values.forEach((v, i) => {
      if (v === null) return;
      c.rect(px(i) - 2, py(v) - 2, 5, 5, s.color);
      if (previous >= 0) c.line(px(previous), py(s.values[previous]!), px(i), py(v), s.color);
      previous = i;
    });
    const ly = legendAt === 'top' ? y0 + 8 + k * 16 : y0 + h - 20 - (series.length - 1 - k) * 16;
    c.line(x0 + w - 110, ly + 4, x0 + w - 92, ly + 4, s.color, 3);
    c.text(x0 + w - 86, ly, s.label);
  });
}

/** The PNG bytes of the chart of a run's history (at least one epoch). */
export async function drawChart(history: EpochRecord[]): Promise<Buffer> {
  const c = new Canvas(800, 320);
  const loss = history.map((r) => r.loss);
  const valLoss = history.map((r) => r.valLoss);
  const lossMax = Math.max(...loss, ...valLoss.filter((v) => v !== null), 1e-6);
  panel(c, 60, 30, 300, 240, [
    { label: 'train loss', color: BLUE, values: loss },
    { label: 'val loss', color: ORANGE, values: valLoss },
  ], lossMax, 'top');
  panel(c, 460, 30, 300, 240, [{ label: 'val Dice', color: GREEN, values: history.map((r) => r.valDice) }], 1, 'bottom');
  return sharp(c.data, { raw: { width: c.width, height: c.height, channels: 4 } }).png().toBuffer();
}
