// The diagram pane: shows the SVG of the spec, zooms with the wheel about the pointer, pans
// by dragging, and goes back to the first view (reset) or the whole drawing (fit). The
// view survives a redraw of the same size, so the picture holds still while typing.
import { fit, initial, panBy, viewBox, zoomAt, type Size, type View } from './zoom.ts';

export interface DiagramPane {
  show(svg: string): void;
  reset(): void;
  fitAll(): void;
}

export function diagramPane(pane: HTMLElement): DiagramPane {
  let drawing: Size = { width: 1, height: 1 };
  let smallestFont = 10;
  let view: View | null = null;
  const size = (): Size => ({ width: pane.clientWidth, height: pane.clientHeight });
  const svg = () => pane.querySelector('svg');
  const apply = () => {
    const s = svg();
    if (s && view) s.setAttribute('viewBox', viewBox(view, size()));
  };
  const set = (v: View) => {
    view = v;
    apply();
  };

  pane.addEventListener('wheel', (e) => {
    if (!view) return;
    e.preventDefault();
    const r = pane.getBoundingClientRect();
    set(zoomAt(view, Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top));
  }, { passive: false });

  let drag: { x: number; y: number } | null = null;
  pane.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY };
    pane.setPointerCapture(e.pointerId);
    pane.classList.add('dragging');
  });
  pane.addEventListener('pointermove', (e) => {
    if (!drag || !view) return;
    set(panBy(view, e.clientX - drag.x, e.clientY - drag.y));
    drag = { x: e.clientX, y: e.clientY };
  });
  const stop = () => {
    drag = null;
    pane.classList.remove('dragging');
  };
  pane.addEventListener('pointerup', stop);
  pane.addEventListener('pointercancel', stop);
  // The pane's size follows the window: keep the scale, refill the viewBox.
  new ResizeObserver(apply).observe(pane);

  const reset = () => set(initial(drawing, size(), smallestFont));
  return {
    show(text) {
      pane.innerHTML = text;
      const s = svg()!;
      const next = { width: Number(s.getAttribute('width')), height: Number(s.getAttribute('height')) };
      // The SVG fills the pane; the viewBox chooses what it shows.
      s.setAttribute('width', '100%');
      s.setAttribute('height', '100%');
      const fonts = [...s.querySelectorAll('text')].map((t) => Number(t.getAttribute('font-size'))).filter((f) => f > 0);
      smallestFont = fonts.length ? Math.min(...fonts) : 10;
      const sameSize = next.width === drawing.width && next.height === drawing.height;
      drawing = next;
      if (view && sameSize) apply();
      else reset();
    },
    reset,
    fitAll: () => set(fit(drawing, size())),
  };
}
