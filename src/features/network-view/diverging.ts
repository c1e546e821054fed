/**
 * A diverging colour scale for weights: negative blue, zero white, positive red, so the
 * pixels a unit wants dark and those it wants inked stand apart.
 */

const NEGATIVE = [37, 99, 235];
const POSITIVE = [220, 38, 38];

/** Writes the RGBA of `value` on the scale −scale…+scale (clamped) into `rgba` at `offset`. */
export function divergingColor(value: number, scale: number, rgba: Uint8ClampedArray, offset: number): void {
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const amount = Math.abs(t);
  for (let c = 0; c < 3; c++) rgba[offset + c] = Math.round(255 + (end[c] - 255) * amount);
  rgba[offset + 3] = 255;
}
