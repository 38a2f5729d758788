// Region search: a rectangle drawn over the query image, and the crop made in the page (a canvas), so the server
// receives an ordinary upload. Rectangles are [x, y, width, height] as fractions of the image, so they survive
// any display size and can be written into the URL.

/** Draws and shows a rectangle on a canvas laid over an image. */
export class RegionDrawer {
  constructor(image, canvas, onChange) {
    this.image = image;
    this.canvas = canvas;
    this.onChange = onChange;
    this.active = false;
    this.selection = null; // the rectangle being drawn
    this.shown = null; // the rectangle of the current query
    this.start = null;
    image.addEventListener('load', () => this.paint());
    new ResizeObserver(() => this.paint()).observe(image);
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
  }

  setActive(on) {
    this.active = on;
    this.selection = null;
    this.canvas.classList.toggle('drawing', on);
    this.paint();
  }

  show(region) {
    this.shown = region;
    this.paint();
  }

  /** The pointer's position as fractions of the image, kept inside it. */
  point(e) {
    const box = this.canvas.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - box.left) / box.width), clamp((e.clientY - box.top) / box.height)];
  }

  down(e) {
    if (!this.active) return;
    this.canvas.setPointerCapture(e.pointerId);
    this.start = this.point(e);
    this.selection = null;
  }

  move(e) {
    if (!this.active || !this.start) return;
    const [x, y] = this.point(e);
    const [x0, y0] = this.start;
    const rect = [Math.min(x, x0), Math.min(y, y0), Math.abs(x - x0), Math.abs(y - y0)];
    // a click without a drag is not a region: ask for at least 2% of each side
    this.selection = rect[2] > 0.02 && rect[3] > 0.02 ? rect : null;
    this.paint();
  }

  up(e) {
    if (!this.active || !this.start) return;
    this.move(e);
    this.start = null;
    this.onChange(this.selection);
  }

  /** The canvas covers the image exactly; the rectangle is drawn with the rest of the image dimmed. */
  paint() {
    const { canvas, image } = this;
    canvas.width = image.clientWidth;
    canvas.height = image.clientHeight;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    const rect = this.active ? this.selection : this.shown;
    if (!rect) return;
    const [x, y, w, h] = [rect[0] * canvas.width, rect[1] * canvas.height, rect[2] * canvas.width, rect[3] * canvas.height];
    g.fillStyle = 'rgba(0, 0, 0, 0.45)';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.clearRect(x, y, w, h);
    g.strokeStyle = '#fff';
    g.lineWidth = 2;
    g.setLineDash([6, 4]);
    g.strokeRect(x + 1, y + 1, w - 2, h - 2);
  }
}

// The model looks at 224 pixels; a crop larger than this only costs upload time.
const MAX_SIDE = 2048;

/**
 * The region of an image as a PNG (lossless, so the crop adds no artefacts of its own). `fallback` is tried when the
 * original cannot be decoded by the browser (TIFF, for one): the thumbnail then gives a smaller crop.
 */
export async function cropBlob(source, region, fallback) {
  let image;
  try {
    image = await loaded(source);
  } catch (e) {
    if (!fallback) throw e;
    image = await loaded(fallback);
  }
  const [x, y, w, h] = region;
  const sx = Math.round(x * image.naturalWidth), sy = Math.round(y * image.naturalHeight);
  const sw = Math.max(1, Math.round(w * image.naturalWidth)), sh = Math.max(1, Math.round(h * image.naturalHeight));
  const scale = Math.min(1, MAX_SIDE / Math.max(sw, sh));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(sw * scale));
  canvas.height = Math.max(1, Math.round(sh * scale));
  canvas.getContext('2d').drawImage(image, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the region');
  return new File([blob], 'region.png', { type: 'image/png' });
}

async function loaded(url) {
  const image = new Image();
  image.src = url;
  await image.decode(); // rejects when the browser cannot decode the format
  return image;
}
