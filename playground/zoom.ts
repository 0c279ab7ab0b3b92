// Zoom and pan of the diagram as plain arithmetic on a view: the drawing's point at the
// pane's top-left corner and the scale (pane pixels per drawing unit). diagram.ts turns a
// view into the SVG's viewBox; nothing here touches the DOM.

export interface View {
  x: number;
  y: number;
  scale: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 8;
/** The smallest label, in pane pixels, that the first view keeps readable. */
export const LEGIBLE_PX = 9;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** The whole drawing in the pane, centred. */
export function fit(drawing: Size, pane: Size): View {
  const scale = clampScale(Math.min(pane.width / drawing.width, pane.height / drawing.height));
  return { x: (drawing.width - pane.width / scale) / 2, y: (drawing.height - pane.height / scale) / 2, scale };
}

/**
 * The first view (and the reset button's): the whole drawing if its smallest label stays
 * legible at that scale; otherwise the scale that makes it legible, from the top-left corner
 * (the input end of the U), to be panned.
 */
export function initial(drawing: Size, pane: Size, smallestFont: number): View {
  const whole = fit(drawing, pane);
  const legible = LEGIBLE_PX / smallestFont;
  return whole.scale >= legible ? whole : { x: 0, y: 0, scale: clampScale(legible) };
}

/** Zooms by `factor` about a pane point, which keeps showing the same drawing point. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const scale = clampScale(view.scale * factor);
  const wx = view.x + px / view.scale;
  const wy = view.y + py / view.scale;
  return { x: wx - px / scale, y: wy - py / scale, scale };
}

/** Moves the drawing with the pointer by (dx, dy) pane pixels. */
export const panBy = (view: View, dx: number, dy: number): View => ({ ...view, x: view.x - dx / view.scale, y: view.y - dy / view.scale });

/** The SVG viewBox that shows `view` in a pane of `pane`'s size. */
export const viewBox = (view: View, pane: Size) => `${view.x} ${view.y} ${pane.width / view.scale} ${pane.height / view.scale}`;
