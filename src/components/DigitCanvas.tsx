import { useCallback } from 'react';
import { PixelCanvas } from './PixelCanvas';

interface DigitCanvasProps {
  /** height × side bytes, 0 background … 255 ink (MNIST's convention). */
  pixels: Uint8Array;
  /** Width in pixels, and height unless `height` says otherwise. */
  side?: number;
  height?: number;
  /** Displayed size in CSS pixels; the canvas keeps its 28×28 resolution and is scaled crisply. */
  size?: number;
  label: string;
}

/** Draws a grayscale digit, ink dark on light like a pen on paper. */
export function DigitCanvas({ pixels, side = 28, height = side, size = 56, label }: DigitCanvasProps) {
  const paint = useCallback(
    (rgba: Uint8ClampedArray) => {
      for (let i = 0; i < side * height; i++) {
        const shade = 255 - pixels[i];
        rgba[4 * i] = shade;
        rgba[4 * i + 1] = shade;
        rgba[4 * i + 2] = shade;
        rgba[4 * i + 3] = 255;
      }
    },
    [pixels, side, height],
  );
  return <PixelCanvas paint={paint} width={side} height={height} size={size} label={label} />;
}
