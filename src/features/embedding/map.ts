/**
 * The embedding map's geometry: where each image's dot sits on the canvas, which dot is under
 * the pointer, and which one an arrow key moves to.
 */

/**
 * One colour per class, told apart by people with the common colour-vision deficiencies too
 * (Tableau 10); sets of more classes go round again with darker shades.
 */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'];

export function classColour(label: number): string {
  const base = PALETTE[label % PALETTE.length];
  const round = Math.floor(label / PALETTE.length);
  if (round === 0) return base;
  const darken = (hex: string) => Math.round(parseInt(hex, 16) * 0.6 ** round).toString(16).padStart(2, '0');
  return `#${darken(base.slice(1, 3))}${darken(base.slice(3, 5))}${darken(base.slice(5, 7))}`;
}

/** Canvas positions (count × 2) of the points, scaled alike on both axes to fit width × height inside `margin`. */
export function layout(points: Float32Array, count: number, width: number, height: number, margin: number): Float32Array {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    minX = Math.min(minX, points[2 * i]);
    maxX = Math.max(maxX, points[2 * i]);
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  const scale = Math.min((width - 2 * margin) / (maxX - minX || 1), (height - 2 * margin) / (maxY - minY || 1));
  const offsetX = (width - scale * (maxX - minX)) / 2;
  const offsetY = (height - scale * (maxY - minY)) / 2;
  const placed = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    placed[2 * i] = offsetX + scale * (points[2 * i] - minX);
    // The second axis grows upwards, as on a chart.
    placed[2 * i + 1] = height - offsetY - scale * (points[2 * i + 1] - minY);
  }
  return placed;
}

/** The dot nearest (x, y) within `reach`; −1 when none is. */
export function nearestDot(placed: Float32Array, x: number, y: number, reach: number): number {
  let best = -1;
  let bestDistance = reach * reach;
  for (let i = 0; i < placed.length / 2; i++) {
    const distance = (placed[2 * i] - x) ** 2 + (placed[2 * i + 1] - y) ** 2;
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The nearest dot from dot `from` in the direction (dx, dy) (one of the four arrow keys), within
 * 45° either side of it; `from` itself when there is none that way.
 */
export function dotToward(placed: Float32Array, from: number, dx: number, dy: number): number {
  const x = placed[2 * from];
  const y = placed[2 * from + 1];
  let best = from;
  let bestDistance = Infinity;
  for (let i = 0; i < placed.length / 2; i++) {
    if (i === from) continue;
    const ox = placed[2 * i] - x;
    const oy = placed[2 * i + 1] - y;
    const along = ox * dx + oy * dy;
    const across = Math.abs(ox * dy - oy * dx);
    if (along <= 0 || across > along) continue;
    const distance = ox * ox + oy * oy;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
