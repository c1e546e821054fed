/**
 * The pad's strokes and how they are painted. Strokes are kept as point lists so undo can
 * drop the last one and repaint the rest.
 */

export interface Point {
  x: number;
  y: number;
}
export type Stroke = Point[];

/** The canvas's own pixels (not CSS pixels): the preprocessing always reads a 280×280 raster. */
export const PAD_SIZE = 280;
/**
 * MNIST's pen is about 2–3 px wide in the 28×28 frame, whose 20 px box a digit drawn
 * across most of the pad shrinks by roughly 10×; 22 px here lands in that range.
 */
export const BRUSH_WIDTH = 22;

export function paintStrokes(ctx: CanvasRenderingContext2D, strokes: readonly Stroke[]): void {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) paintSegment(ctx, stroke[Math.max(0, i - 1)], stroke[i]);
  }
}

/** One piece of a stroke; a round-capped segment, or a dot when the pen has not moved. */
export function paintSegment(ctx: CanvasRenderingContext2D, from: Point, to: Point): void {
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = BRUSH_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  if (from.x === to.x && from.y === to.y) {
    // Canvas skips zero-length lines, caps included, so a tap is painted as a disc.
    ctx.arc(to.x, to.y, BRUSH_WIDTH / 2, 0, 2 * Math.PI);
    ctx.fill();
  } else {
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  }
}
