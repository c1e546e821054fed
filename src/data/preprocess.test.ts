import { describe, expect, it } from 'vitest';
import { areaResample, MNIST_CENTRE, MNIST_SIDE, preprocess } from './preprocess';

type Point = [x: number, y: number];
type Stroke = Point[];

const PAD = 280;
const BRUSH = 22;

/**
 * Rasterises strokes the way a canvas round brush does: a pixel's coverage is how far
 * inside the brush's disc its centre lies, with a one-pixel soft edge.
 */
function draw(strokes: Stroke[], brush: number, size = PAD): Uint8Array {
  const ink = new Uint8Array(size * size);
  const r = brush / 2;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const a = stroke[i];
      const b = stroke[Math.min(i + 1, stroke.length - 1)];
      const xs = [Math.floor(Math.min(a[0], b[0]) - r - 1), Math.ceil(Math.max(a[0], b[0]) + r + 1)];
      const ys = [Math.floor(Math.min(a[1], b[1]) - r - 1), Math.ceil(Math.max(a[1], b[1]) + r + 1)];
      for (let y = Math.max(0, ys[0]); y < Math.min(size, ys[1]); y++) {
        for (let x = Math.max(0, xs[0]); x < Math.min(size, xs[1]); x++) {
          const coverage = Math.min(1, Math.max(0, r + 0.5 - distanceToSegment([x + 0.5, y + 0.5], a, b)));
          ink[y * size + x] = Math.max(ink[y * size + x], Math.round(coverage * 255));
        }
      }
    }
  }
  return ink;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Digit shapes in a unit box, [0,1]². */
const SEVEN: Stroke[] = [[[0.1, 0.05], [0.9, 0.05], [0.35, 0.95]]];
const ZERO: Stroke[] = [ellipse(0.5, 0.5, 0.32, 0.45)];
const TWO: Stroke[] = [
  [...arc(0.5, 0.3, 0.3, 0.25, Math.PI, 2.2 * Math.PI), [0.1, 0.92], [0.9, 0.92]],
];

function ellipse(cx: number, cy: number, rx: number, ry: number): Point[] {
  return arc(cx, cy, rx, ry, 0, 2 * Math.PI);
}

function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i <= 48; i++) {
    const t = from + ((to - from) * i) / 48;
    points.push([cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
  }
  return points;
}

/** The shape drawn `size` px tall with its unit box's top-left corner at (left, top). */
function placed(shape: Stroke[], left: number, top: number, size: number): Stroke[] {
  return shape.map((stroke) => stroke.map(([x, y]): Point => [left + x * size, top + y * size]));
}

/** Mean absolute difference per pixel of two [0,1] images: 0 for identical, 1 for opposite. */
function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

function centreOfMass(image: Float32Array): Point {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (let x = 0; x < MNIST_SIDE; x++) {
      const v = image[y * MNIST_SIDE + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  return [mx / mass, my / mass];
}

function processed(ink: Uint8Array, size = PAD): Float32Array {
  const image = preprocess({ data: ink, width: size, height: size });
  if (!image) throw new Error('expected ink');
  return image;
}

describe('preprocess', () => {
  it('returns null for an empty pad, and for one with only faint noise', () => {
    expect(preprocess({ data: new Uint8Array(PAD * PAD * 4), width: PAD, height: PAD })).toBeNull();
    const faint = new Uint8Array(PAD * PAD).map((_, i) => (i % 7 === 0 ? 20 : 0));
    expect(preprocess({ data: faint, width: PAD, height: PAD })).toBeNull();
  });

  it('reads the red channel of RGBA bytes the same as a one-byte raster', () => {
    const ink = draw(placed(SEVEN, 60, 50, 180), BRUSH);
    const rgba = new Uint8Array(ink.length * 4);
    ink.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    expect(preprocess({ data: rgba, width: PAD, height: PAD })).toEqual(processed(ink));
  });

  it('refuses bytes that match neither layout', () => {
    expect(() => preprocess({ data: new Uint8Array(10), width: 3, height: 3 })).toThrow(/Expected 9 or 36 bytes/);
  });

  it('gives a 28×28 image in [0,1] whose longer side spans 20 px and whose brightest pixel is 1', () => {
    const image = processed(draw(placed(ZERO, 40, 30, 220), BRUSH));
    expect(image).toHaveLength(784);
    expect(Math.min(...image)).toBe(0);
    expect(Math.max(...image)).toBe(1);
    const rows = [...Array(MNIST_SIDE).keys()].filter((y) => image.subarray(y * 28, y * 28 + 28).some((v) => v > 0));
    expect(rows.length).toBe(20);
  });

  it.each([
    ['7', SEVEN],
    ['0', ZERO],
    ['2', TWO],
  ])('puts the centre of mass of a %s within 1 px of (14, 14), wherever it is drawn', (_, shape) => {
    for (const [left, top, size] of [
      [10, 10, 80],
      [170, 150, 100],
      [30, 40, 220],
    ]) {
      const [cx, cy] = centreOfMass(processed(draw(placed(shape, left, top, size), BRUSH)));
      expect(Math.abs(cx - MNIST_CENTRE)).toBeLessThanOrEqual(1);
      expect(Math.abs(cy - MNIST_CENTRE)).toBeLessThanOrEqual(1);
    }
  });

  // Metric: mean absolute difference per pixel (MAD) on the [0,1] images. Two different
  // digits drawn the same way differ by more than 0.15 (checked below), so a MAD under
  // 0.02 means the same picture up to antialiasing (measured: 0.002–0.007).
  it.each([
    ['7', SEVEN],
    ['0', ZERO],
    ['2', TWO],
  ])('makes a small %s in a corner nearly the same image as a large centred one', (_, shape) => {
    const large = processed(draw(placed(shape, 30, 30, 220), BRUSH));
    // The same hand drawing smaller: the pen's width relative to the digit stays the same.
    const small = processed(draw(placed(shape, 195, 8, 70), (BRUSH * 70) / 220));
    expect(meanAbsDiff(small, large)).toBeLessThan(0.02);
  });

  it('keeps different digits apart under the same metric', () => {
    const images = [SEVEN, ZERO, TWO].map((shape) => processed(draw(placed(shape, 30, 30, 220), BRUSH)));
    expect(meanAbsDiff(images[0], images[1])).toBeGreaterThan(0.15);
    expect(meanAbsDiff(images[0], images[2])).toBeGreaterThan(0.15);
    expect(meanAbsDiff(images[1], images[2])).toBeGreaterThan(0.15);
  });

  it('keeps a thin, tall 1 thin instead of stretching it to 20 px wide', () => {
    const image = processed(draw([[[140, 40], [140, 240]]], BRUSH));
    const columns = [...Array(MNIST_SIDE).keys()].filter((x) => [...Array(MNIST_SIDE).keys()].some((y) => image[y * 28 + x] > 0));
    expect(columns.length).toBeLessThanOrEqual(4);
    expect(columns).toContain(MNIST_CENTRE);
  });
});

describe('areaResample', () => {
  it('averages whole blocks when the sizes divide', () => {
    const src = Float32Array.from([1, 3, 5, 7, 9, 11, 13, 15, 0, 0, 4, 4, 0, 0, 4, 4]);
    expect([...areaResample(src, 4, 4, 2, 2)]).toEqual([(1 + 3 + 9 + 11) / 4, (5 + 7 + 13 + 15) / 4, 0, 4]);
  });

  it('weights partly covered source pixels by their overlap and keeps the mean intensity', () => {
    const src = Float32Array.from([0, 90, 30]);
    // Two output cells of 1.5 source pixels each: [0, 1.5) and [1.5, 3).
    const out = areaResample(src, 3, 1, 2, 1);
    expect(out[0]).toBeCloseTo((0 + 0.5 * 90) / 1.5, 5);
    expect(out[1]).toBeCloseTo((0.5 * 90 + 30) / 1.5, 5);
    expect((out[0] + out[1]) / 2).toBeCloseTo((0 + 90 + 30) / 3, 5);
  });
});
