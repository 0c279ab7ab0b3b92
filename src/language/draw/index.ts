// The U diagram of a model: layout (layout.ts), then SVG (render.ts).
import type { Model } from '../ir/types.ts';
import { layout } from './layout.ts';
import { renderSvg } from './render.ts';

export function drawSvg(model: Model): string {
  return renderSvg(layout(model));
}
