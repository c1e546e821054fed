/**
 * What the pad's preprocessing costs: MNIST test images are turned back into ink on a
 * 280×280 pad, pushed through the same `preprocess` the pad uses, and classified by the
 * same network that classifies the raw images. Node-only measurement (no DOM).
 *
 * Rendering: the 28×28 image is enlarged by bilinear interpolation (zero outside the frame)
 * to a random size and position on the pad, its ink kept inside the pad. Two looks:
 * - 'grey': the interpolated grey levels as they are, soft edges like MNIST's own;
 * - 'brush': thresholded at half intensity with a ramp about one pad pixel wide, i.e. solid
 *   white ink with an antialiased edge, which is what the canvas's round brush leaves;
 * - 'pen': brush ink redrawn with the pad's one pen width: grown or thinned along its
 *   distance transform until its mean stroke width is the brush's 22 px, whatever the
 *   digit's size. A person drawing small on the pad gets fat strokes; this look has them too.
 * The ink's longer side spans `minSide`…`maxSide` pad pixels. Measured with the width
 * estimate below on 500 test images enlarged to a 200 px box: median stroke 25 px (10th–90th
 * percentile 19–36 px), so at that size the 22 px brush draws MNIST's pen.
 */
import type { Dataset } from '../../src/engine/dataset.ts';
import { argmax } from '../../src/engine/metrics.ts';
import type { Network } from '../../src/engine/network.ts';
import type { Rng } from '../../src/engine/rng.ts';
import { MNIST_SIDE, preprocess } from '../../src/data/preprocess.ts';
import { distanceTransform } from './distance.ts';
import { BRUSH_WIDTH, PAD_SIZE } from '../../src/features/draw-pad/ink.ts';

export type InkLook = 'grey' | 'brush' | 'pen';

export interface Placement {
  /** Pad pixels per MNIST pixel. */
  scale: number;
  /** Where the 28×28 frame's top-left corner lands on the pad. */
  left: number;
  top: number;
}

export interface InkVariant {
  look: InkLook;
  /** Range of the ink's longer side on the pad, in pad pixels. */
  minSide: number;
  maxSide: number;
}

export interface AgreementResult {
  /** Fraction of test images the network classifies correctly from the raw 28×28 bytes. */
  rawAccuracy: number;
  /** The same, after rendering as ink and preprocessing like a drawing. */
  drawnAccuracy: number;
  /** Fraction of images given the same class both ways. */
  agreement: number;
  total: number;
}

/** The 28×28 MNIST image enlarged onto the pad: one byte per pad pixel, white ink on black. */
export function renderAsInk(image: Uint8Array, { scale, left, top }: Placement, look: InkLook): Uint8Array {
  // A zero border of one pixel all round lets interpolation run off the frame without bounds checks.
  const side = MNIST_SIDE + 2;
  const framed = new Float32Array(side * side);
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (let x = 0; x < MNIST_SIDE; x++) framed[(y + 1) * side + x + 1] = image[y * MNIST_SIDE + x] / 255;
  }
  const pad = new Uint8Array(PAD_SIZE * PAD_SIZE);
  for (let y = 0; y < PAD_SIZE; y++) {
    // Frame coordinate of the pad pixel's centre, shifted by the border.
    const v = (y + 0.5 - top) / scale + 0.5;
    if (v <= 0 || v >= side - 1) continue;
    const y0 = Math.floor(v);
    const fy = v - y0;
    for (let x = 0; x < PAD_SIZE; x++) {
      const u = (x + 0.5 - left) / scale + 0.5;
      if (u <= 0 || u >= side - 1) continue;
      const x0 = Math.floor(u);
      const fx = u - x0;
      const i = y0 * side + x0;
      const grey =
        (1 - fy) * ((1 - fx) * framed[i] + fx * framed[i + 1]) + fy * ((1 - fx) * framed[i + side] + fx * framed[i + side + 1]);
      const ink = look === 'grey' ? grey : Math.min(1, Math.max(0, (grey - 0.5) * scale + 0.5));
      pad[y * PAD_SIZE + x] = Math.round(ink * 255);
    }
  }
  return look === 'pen' ? withPenWidth(pad, BRUSH_WIDTH) : pad;
}

/**
 * Solid ink redrawn `width` pixels wide on average. The signed distance to the ink's edge
 * (negative inside) locates each pixel; a stroke w wide has its inner pixels' depths spread
 * evenly over 0…w/2, so w ≈ 4 × their mean depth. Moving the edge outwards by (width − w)/2
 * (inwards when negative) gives the new ink, with a one-pixel antialiased ramp.
 */
export function withPenWidth(pad: Uint8Array, width: number): Uint8Array {
  const inside = (i: number) => pad[i] >= 128;
  const toBackground = distanceTransform(PAD_SIZE, PAD_SIZE, (i) => !inside(i));
  const toInk = distanceTransform(PAD_SIZE, PAD_SIZE, inside);
  let depth = 0;
  let count = 0;
  const signed = new Float32Array(pad.length);
  for (let i = 0; i < pad.length; i++) {
    // Pixel centres sit half a pixel from the edge between an ink and a background pixel.
    signed[i] = inside(i) ? 0.5 - toBackground[i] : toInk[i] - 0.5;
    if (inside(i)) {
      depth -= signed[i];
      count++;
    }
  }
  if (count === 0) return pad;
  const grow = (width - (4 * depth) / count) / 2;
  return Uint8Array.from(signed, (d) => Math.round(Math.min(1, Math.max(0, grow - d + 0.5)) * 255));
}

/** A random size and position for the image's ink, kept inside the pad. */
export function randomPlacement(image: Uint8Array, variant: InkVariant, rng: Rng): Placement {
  let [x0, y0, x1, y1] = [MNIST_SIDE, MNIST_SIDE, -1, -1];
  for (let i = 0; i < image.length; i++) {
    if (image[i] === 0) continue;
    const [x, y] = [i % MNIST_SIDE, Math.floor(i / MNIST_SIDE)];
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  const side = variant.minSide + rng.next() * (variant.maxSide - variant.minSide);
  const scale = side / (Math.max(x1 - x0, y1 - y0) + 1);
  // Interpolation spreads pixel i's ink over [i − 0.5, i + 1.5) frame units; that span must fit the pad.
  const offset = (lo: number, hi: number) => Math.max(0, PAD_SIZE - (hi - lo + 2) * scale) * rng.next() - (lo - 0.5) * scale;
  return { scale, left: offset(x0, x1), top: offset(y0, y1) };
}

/** Classifies every test image raw and as drawn ink, with the network as it is. */
export function measureAgreement(network: Network, test: Dataset, variant: InkVariant, rng: Rng): AgreementResult {
  let rawCorrect = 0;
  let drawnCorrect = 0;
  let same = 0;
  const raw = new Float32Array(test.inputSize);
  for (let i = 0; i < test.count; i++) {
    const image = test.images.subarray(i * test.inputSize, (i + 1) * test.inputSize);
    for (let p = 0; p < raw.length; p++) raw[p] = image[p] / 255;
    const rawGuess = argmax(network.predict(raw), 0, network.outputSize);
    const ink = renderAsInk(image, randomPlacement(image, variant, rng), variant.look);
    const drawn = preprocess({ data: ink, width: PAD_SIZE, height: PAD_SIZE });
    // An image that leaves no ink above the pad's threshold cannot be read: it counts as wrong.
    const drawnGuess = drawn ? argmax(network.predict(drawn), 0, network.outputSize) : -1;
    if (rawGuess === test.labels[i]) rawCorrect++;
    if (drawnGuess === test.labels[i]) drawnCorrect++;
    if (rawGuess === drawnGuess) same++;
  }
  return {
    rawAccuracy: rawCorrect / test.count,
    drawnAccuracy: drawnCorrect / test.count,
    agreement: same / test.count,
    total: test.count,
  };
}
