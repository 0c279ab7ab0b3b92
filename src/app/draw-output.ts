// The diagram to a file: SVG as text, PNG rasterised by sharp (librsvg, with the system's
// fonts). Written to a temp file and renamed, so a failed write never leaves half a file.
import { dirname, extname } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';

export type DiagramFormat = 'svg' | 'png';

/** Pixels per SVG unit in the PNG: 2 keeps text sharp on high-density screens. */
const PNG_SCALE = 2;

export function diagramFormat(path: string): DiagramFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext.slice(1) as DiagramFormat;
  throw new Error(`--out must end in .svg or .png, found "${path}"`);
}

export async function svgToPng(svg: string): Promise<Buffer> {
  // Loaded here, not at the top: sharp (libvips) would double the start-up of `unet draw --out x.svg`.
  const { default: sharp } = await import('sharp');
  // A palette PNG: the diagram has few colours, so this keeps the file small.
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE }).png({ palette: true, compressionLevel: 9 }).toBuffer();
}

function reason(e: NodeJS.ErrnoException, path: string): string {
  if (e.code === 'ENOENT') return `the folder ${dirname(path)} does not exist`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a folder';
  return e.message;
}

export async function writeDiagram(path: string, svg: string): Promise<void> {
  const data = diagramFormat(path) === 'png' ? await svgToPng(svg) : svg;
  try {
    writeFileAtomic(path, data);
  } catch (e) {
    throw new Error(`cannot write ${path}: ${reason(e as NodeJS.ErrnoException, path)}`);
  }
}
