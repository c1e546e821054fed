/**
 * Turns a drawing into the 28×28 input MNIST's own digits were made into.
 *
 * MNIST's recipe: the digit is size-normalised into a 20×20 box keeping its aspect ratio,
 * anti-aliased, then translated so its intensity-weighted centre of mass sits at the centre
 * of the 28×28 frame. Measured on the 10k test images (index coordinates, pixel x at x):
 * the mean centre of mass is (14.01, 13.99), every image's is within 0.50 px of (14, 14)
 * — so the translation was a whole number of pixels — and the longer side of every
 * bounding box is 20 (3 of 10k are 19). We do the same, with the same rounding.
 *
 * Framework-free: works on the bytes of an ImageData (RGBA) or a one-byte-per-pixel
 * raster, so Node tests and scripts run it without a DOM.
 */

export const MNIST_SIDE = 28;
/** The longer side of the digit's box inside the 28×28 frame. */
export const DIGIT_BOX = 20;
/** Where the centre of mass goes, in index coordinates (pixel i is at i). */
export const MNIST_CENTRE = 14;
/** A pixel counts as ink above this byte value; lower values are antialiasing fringe or noise. */
export const INK_THRESHOLD = 26;

/** White ink on black, as bytes: RGBA (like ImageData; the red channel is read) or one byte per pixel. */
export interface InkRaster {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

interface Box {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * The 28×28 image (row-major, values in [0, 1]) the network should see for this drawing,
 * or null when nothing is drawn.
 */
export function preprocess(raster: InkRaster): Float32Array | null {
  const ink = inkOf(raster);
  const box = inkBox(ink, raster.width, raster.height);
  if (!box) return null;

  const crop = cropOf(ink, raster.width, box);
  const scale = DIGIT_BOX / Math.max(box.width, box.height);
  const width = Math.max(1, Math.round(box.width * scale));
  const height = Math.max(1, Math.round(box.height * scale));
  const digit = areaResample(crop, box.width, box.height, width, height);
  return centred(digit, width, height);
}

/** Ink intensity per pixel, 0…255, with everything at or below the threshold cleared. */
function inkOf({ data, width, height }: InkRaster): Float32Array {
  const pixels = width * height;
  const channels = data.length / pixels;
  if (channels !== 1 && channels !== 4) {
    throw new Error(`Expected ${pixels} or ${pixels * 4} bytes for a ${width}×${height} image, got ${data.length}`);
  }
  const ink = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const v = data[i * channels];
    ink[i] = v > INK_THRESHOLD ? v : 0;
  }
  return ink;
}

function inkBox(ink: Float32Array, width: number, height: number): Box | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function cropOf(ink: Float32Array, stride: number, box: Box): Float32Array {
  const crop = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y0 + y) * stride + box.x0;
    crop.set(ink.subarray(from, from + box.width), y * box.width);
  }
  return crop;
}

/**
 * Area-averaging resize: each output pixel is the mean of the source area it covers,
 * partial source pixels weighted by the overlap. The box filter is separable, so rows
 * are resized first, then columns.
 */
export function areaResample(src: Float32Array, width: number, height: number, toWidth: number, toHeight: number): Float32Array {
  const rows = new Float32Array(toWidth * height);
  resampleAxis(src, rows, overlapWeights(width, toWidth), height, { from: width, to: toWidth }, 1);
  const out = new Float32Array(toWidth * toHeight);
  resampleAxis(rows, out, overlapWeights(height, toHeight), toWidth, { from: 1, to: 1 }, toWidth);
  return out;
}

/**
 * Resizes every line of an image along one axis: line l's cell i becomes Σ share·src[l·lineStride.from + j·step]
 * over the cells j it overlaps. Rows are lines of step 1; columns are lines of step width.
 */
function resampleAxis(
  src: Float32Array,
  out: Float32Array,
  weights: [number, number][][],
  lines: number,
  lineStride: { from: number; to: number },
  step: number,
): void {
  for (let line = 0; line < lines; line++) {
    const from = line * lineStride.from;
    const to = line * lineStride.to;
    for (let i = 0; i < weights.length; i++) {
      let sum = 0;
      for (const [j, share] of weights[i]) sum += share * src[from + j * step];
      out[to + i * step] = sum;
    }
  }
}

/**
 * For each of `to` output cells spread over `from` input cells: the input cells it overlaps
 * and the share of the output cell each covers (the shares sum to 1).
 */
function overlapWeights(from: number, to: number): [index: number, weight: number][][] {
  const span = from / to;
  const weights: [index: number, weight: number][][] = [];
  for (let d = 0; d < to; d++) {
    const start = d * span;
    const end = start + span;
    const cells: [index: number, weight: number][] = [];
    for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 0) cells.push([s, overlap / span]);
    }
    weights.push(cells);
  }
  return weights;
}

/**
 * The digit placed in the 28×28 frame with its centre of mass on (14, 14), rounded to a
 * whole-pixel shift as MNIST's was, and scaled to [0, 1] by its brightest pixel: MNIST
 * strokes reach full intensity (the mean maximum over the test set is 254.9 of 255), which
 * a thin stroke drawn large and averaged down may not. Ink pushed past the frame's edge by
 * a very lopsided digit is dropped.
 */
function centred(digit: Float32Array, width: number, height: number): Float32Array {
  let mass = 0;
  let mx = 0;
  let my = 0;
  let peak = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = digit[y * width + x];
      mass += v;
      mx += v * x;
      my += v * y;
      if (v > peak) peak = v;
    }
  }
  const dx = Math.round(MNIST_CENTRE - mx / mass);
  const dy = Math.round(MNIST_CENTRE - my / mass);
  const frame = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let y = 0; y < height; y++) {
    const fy = y + dy;
    if (fy < 0 || fy >= MNIST_SIDE) continue;
    for (let x = 0; x < width; x++) {
      const fx = x + dx;
      if (fx < 0 || fx >= MNIST_SIDE) continue;
      frame[fy * MNIST_SIDE + fx] = digit[y * width + x] / peak;
    }
  }
  return frame;
}
