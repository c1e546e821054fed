import { useEffect, useId, useRef, useState } from 'react';
import { saliencyOf } from '../../bridge/training-bridge';
import { useAppStore } from '../../store/store';

/**
 * "Show saliency": the pixels where a little more or less ink would most change the
 * network's answer (the gradient of its probability), red where ink raises it, blue where
 * ink lowers it, each scaled to the drawing's largest.
 */
export function Saliency({ image, modelKey }: { image: Float32Array; modelKey: object }) {
  const [shown, setShown] = useState(false);
  const [gradient, setGradient] = useState<{ for: Float32Array; values: Float32Array | null } | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const id = useId();
  const { width, height } = useAppStore((state) => state.dataset);

  useEffect(() => {
    if (!shown) return;
    let current = true;
    void saliencyOf(image).then((values) => {
      if (current) setGradient({ for: image, values });
    });
    return () => {
      current = false;
    };
  }, [shown, image, modelKey]);

  const values = gradient?.for === image ? gradient.values : null;
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context || !values) return;
    const largest = values.reduce((max, v) => Math.max(max, Math.abs(v)), 0) || 1;
    const picture = context.createImageData(width, height);
    values.forEach((v, i) => {
      const strength = Math.round((255 * Math.abs(v)) / largest);
      picture.data.set(v >= 0 ? [255, 255 - strength, 255 - strength, 255] : [255 - strength, 255 - strength, 255, 255], 4 * i);
    });
    context.putImageData(picture, 0, 0);
  }, [values, width, height]);

  return (
    <div className="saliency">
      <label htmlFor={id}>
        <input id={id} type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} /> Show saliency
      </label>
      {shown &&
        (gradient?.for === image && values === null ? (
          <p className="muted">Saliency is drawn for networks of dense layers only.</p>
        ) : (
          <figure>
            <canvas
              ref={canvasRef}
              className="digit-canvas"
              width={width}
              height={height}
              style={{ width: 140, height: (140 * height) / width }}
              role="img"
              aria-label="Saliency: red where more ink raises the answer’s probability, blue where it lowers it"
            />
            <figcaption>Where a little ink most changes the answer: red raises its probability, blue lowers it</figcaption>
          </figure>
        ))}
    </div>
  );
}
