import { useEffect, useRef } from 'react';

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
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(side, height);
    for (let i = 0; i < side * height; i++) {
      const shade = 255 - pixels[i];
      image.data[4 * i] = shade;
      image.data[4 * i + 1] = shade;
      image.data[4 * i + 2] = shade;
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [pixels, side, height]);
  return (
    <canvas
      ref={canvasRef}
      className="digit-canvas"
      width={side}
      height={height}
      style={{ width: size, height: (size * height) / side }}
      role="img"
      aria-label={label}
    />
  );
}
