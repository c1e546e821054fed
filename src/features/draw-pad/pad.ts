/**
 * The pad's state outside React: its canvas, the strokes drawn so far and the pointer
 * drawing the current one. Only one pointer draws at a time, so a palm or a second finger
 * does not add stray strokes.
 */
import { preprocess } from '../../data/preprocess';
import { paintSegment, paintStrokes, PAD_SIZE, type Point, type Stroke } from './ink';

export class Pad {
  private canvas: HTMLCanvasElement | null = null;
  private strokes: Stroke[] = [];
  private pointer: number | null = null;

  /** Paints the strokes on `canvas` and draws there from now on. */
  attach(canvas: HTMLCanvasElement | null): void {
    this.canvas = canvas;
    this.repaint();
  }

  get strokeCount(): number {
    return this.strokes.length;
  }

  /** What is drawn, kept with an example so it can be drawn again. */
  get drawnStrokes(): readonly Stroke[] {
    return this.strokes;
  }

  /** Starts a stroke unless another pointer is drawing; true when it started. */
  begin(pointerId: number, point: Point): boolean {
    if (this.pointer !== null) return false;
    this.pointer = pointerId;
    this.strokes = [...this.strokes, [point]];
    const ctx = this.context();
    if (ctx) paintSegment(ctx, point, point);
    return true;
  }

  /** Extends the current stroke if `pointerId` is drawing it; true when it did. */
  extend(pointerId: number, points: readonly Point[]): boolean {
    if (pointerId !== this.pointer) return false;
    const stroke = this.strokes[this.strokes.length - 1];
    const ctx = this.context();
    for (const point of points) {
      if (ctx) paintSegment(ctx, stroke[stroke.length - 1], point);
      stroke.push(point);
    }
    return true;
  }

  /** Ends the current stroke if `pointerId` is drawing it; true when it did. */
  end(pointerId: number): boolean {
    if (pointerId !== this.pointer) return false;
    this.pointer = null;
    return true;
  }

  undo(): void {
    this.strokes = this.strokes.slice(0, -1);
    this.pointer = null;
    this.repaint();
  }

  clear(): void {
    this.strokes = [];
    this.pointer = null;
    this.repaint();
  }

  /** The 28×28 network input for what is on the pad; null when nothing is. */
  readonly read = (): Float32Array | null => {
    const ctx = this.context();
    if (!ctx || this.strokes.length === 0) return null;
    return preprocess(ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE));
  };

  private repaint(): void {
    const ctx = this.context();
    if (ctx) paintStrokes(ctx, this.strokes);
  }

  private context(): CanvasRenderingContext2D | null {
    // Read back on every prediction: keep the pixels where the CPU can read them cheaply.
    return this.canvas?.getContext('2d', { willReadFrequently: true }) ?? null;
  }
}
