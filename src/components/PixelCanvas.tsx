import { useEffect, useRef } from 'react';

/**
 * A picture of width × height pixels, shown `size` CSS pixels wide: `paint` fills its RGBA
 * bytes, and runs again whenever it changes (callers memoise it on what it draws).
 */
export function PixelCanvas({ paint, width, height, size, label }: { paint: (rgba: Uint8ClampedArray) => void; width: number; height: number; size: number; label: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const picture = context.createImageData(width, height);
    paint(picture.data);
    context.putImageData(picture, 0, 0);
  }, [paint, width, height]);
  return (
    <canvas
      ref={canvasRef}
      className="digit-canvas"
      width={width}
      height={height}
      style={{ width: size, height: (size * height) / width }}
      role="img"
      aria-label={label}
    />
  );
}
