/**
 * An SVG document as a PNG (browser only): the SVG is drawn as an image on a canvas. The
 * scale shrinks to keep the canvas inside what browsers allow (32,767 px a side, 268 M px).
 */

const MAX_SIDE = 32_000;
const MAX_AREA = 260_000_000;

/** Why a PNG could not be made (too big, or the browser could not draw the SVG). */
export class PngExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngExportError';
  }
}

function sizeOf(svg: string): { width: number; height: number } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(head)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(head)?.[1]);
  if (!(width > 0) || !(height > 0)) {
    throw new PngExportError('expected an <svg> root with width and height in px');
  }
  return { width, height };
}

/** The largest scale ≤ `wanted` at which a `width` × `height` image fits a canvas. */
export function pngScale(width: number, height: number, wanted = 2): number {
  return Math.min(
    wanted,
    MAX_SIDE / width,
    MAX_SIDE / height,
    Math.sqrt(MAX_AREA / (width * height)),
  );
}

/**
 * Draws `svg` (a standalone SVG document with `width` and `height`) to a PNG.
 *
 * @example
 * const blob = await toPng(toSvg(model, layout, { maxRows: PNG_ROW_CAP }));
 */
export async function toPng(svg: string, wantedScale = 2): Promise<Blob> {
  const { width, height } = sizeOf(svg);
  const scale = pngScale(width, height, wantedScale);
  if (scale < 0.25) {
    throw new PngExportError(
      `the diagram is ${Math.round(width)} × ${Math.round(height)} px, too big for a PNG: export SVG or filter the session`,
    );
  }
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => {
        resolve();
      };
      image.onerror = () => {
        reject(new PngExportError('the browser could not draw the SVG'));
      };
    });
    image.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new PngExportError('no 2D canvas in this browser');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((blob) => {
        if (blob) resolve(blob);
        else reject(new PngExportError('the canvas gave no PNG'));
      }, 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
