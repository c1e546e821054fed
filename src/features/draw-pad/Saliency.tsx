import { useEffect, useId, useRef, useState } from 'react';
import { gradCamOf, saliencyOf } from '../../bridge/training-bridge';
import { SALIENCY_LEGEND, SaliencyCanvas, SaliencyToggle, useSaliency } from '../../components/Saliency';
import { useAppStore } from '../../store/store';

/**
 * "Show saliency": the pixels where a little more or less ink would most change the
 * network's answer (the gradient of its probability), red where ink raises it, blue where
 * ink lowers it, each scaled to the drawing's largest.
 */
export function Saliency({ image, modelKey }: { image: Float32Array; modelKey: object }) {
  const [shown, setShown] = useState(false);
  const { width, height } = useAppStore((state) => state.dataset);
  const { values, loaded } = useSaliency(shown, image, modelKey, saliencyOf);
  // Feature maps come back for a model with a convolution: then Grad-CAM has one to look at.
  const convolutional = useAppStore((state) => state.drawnMaps !== null);

  return (
    <div className="saliency">
      <SaliencyToggle shown={shown} onChange={setShown} />
      {shown &&
        (loaded && values === null ? (
          <p className="muted">There is no model to ask yet.</p>
        ) : (
          <figure>
            {values ? (
              <SaliencyCanvas values={values} width={width} height={height} label={`Saliency: ${SALIENCY_LEGEND}`} />
            ) : (
              <div style={{ width: 140, height: (140 * height) / width }} aria-busy="true" />
            )}
            <figcaption>Where a little ink most changes the answer: red raises its probability, blue lowers it</figcaption>
          </figure>
        ))}
      {convolutional && <GradCamView image={image} modelKey={modelKey} width={width} height={height} />}
    </div>
  );
}

/**
 * "Show Grad-CAM": which regions of the last convolution's maps the answer rests on (their
 * gradient-weighted sum, negatives cut), stretched over the drawing, darker red for more.
 */
function GradCamView({ image, modelKey, width, height }: { image: Float32Array; modelKey: object; width: number; height: number }) {
  const [shown, setShown] = useState(false);
  const [cam, setCam] = useState<{ for: Float32Array; values: Float32Array; shape: readonly number[]; averaged: boolean } | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const id = useId();
  useEffect(() => {
    if (!shown) return;
    let current = true;
    void gradCamOf(image).then((found) => {
      if (!current || !found) return;
      const averaged = found.values.some((v) => v > 0);
      setCam({ for: image, values: averaged ? found.values : found.elementwise, shape: found.shape, averaged });
    });
    return () => {
      current = false;
    };
  }, [shown, image, modelKey]);
  const current = cam?.for === image ? cam : null;
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context || !current) return;
    const [rows, columns] = current.shape;
    const largest = current.values.reduce((max, v) => Math.max(max, v), 0) || 1;
    const picture = context.createImageData(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Each pixel takes the map position over it (the map may be smaller than the image).
        const v = current.values[Math.floor((y * rows) / height) * columns + Math.floor((x * columns) / width)] / largest;
        const ink = image[y * width + x] ?? 0;
        const paper = Math.round(255 * (1 - 0.35 * ink));
        const faded = Math.round(paper * (1 - v));
        picture.data.set([paper, faded, faded, 255], 4 * (y * width + x));
      }
    }
    context.putImageData(picture, 0, 0);
  }, [current, image, width, height]);
  return (
    <>
      <label htmlFor={id} className="saliency-toggle">
        <input id={id} type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} /> Show Grad-CAM
      </label>
      {shown && current && (
        <figure>
          <canvas
            ref={canvasRef}
            className="digit-canvas"
            width={width}
            height={height}
            style={{ width: 140, height: (140 * height) / width }}
            role="img"
            aria-label="Grad-CAM: darker red where the last convolution’s maps weigh most for the answer"
          />
          <figcaption>
            {current.averaged
              ? 'Where the last convolution finds what the answer rests on (Grad-CAM)'
              : 'Grad-CAM is empty here (every map’s average gradient is negative): shown instead is each position’s gradient times its map (HiResCAM)'}
          </figcaption>
        </figure>
      )}
    </>
  );
}
