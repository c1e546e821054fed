import { useCallback, useEffect, useId, useState } from 'react';
import { PixelCanvas } from './PixelCanvas';

/** How much each pixel moves the answer, for one image: null when there is no model to ask. */
export type SaliencyLoader = (image: Float32Array) => Promise<Float32Array | null>;

/**
 * The saliency of `image` while `shown`, asked for again when the image or the model
 * (`modelKey`, any object that changes with it) changes; null until it arrives. `loaded` says
 * whether the answer for this image is in, so a missing model can be told from a slow one.
 */
export function useSaliency(shown: boolean, image: Float32Array, modelKey: unknown, load: SaliencyLoader): { values: Float32Array | null; loaded: boolean } {
  const [answer, setAnswer] = useState<{ for: Float32Array; key: unknown; values: Float32Array | null } | null>(null);
  useEffect(() => {
    if (!shown) return;
    let current = true;
    void load(image).then((values) => {
      if (current) setAnswer({ for: image, key: modelKey, values });
    });
    return () => {
      current = false;
    };
  }, [shown, image, modelKey, load]);
  const loaded = answer?.for === image;
  return { values: loaded ? answer.values : null, loaded };
}

/** The "Show saliency" checkbox. */
export function SaliencyToggle({ shown, onChange }: { shown: boolean; onChange: (shown: boolean) => void }) {
  const id = useId();
  return (
    <label htmlFor={id} className="saliency-toggle">
      <input id={id} type="checkbox" checked={shown} onChange={(event) => onChange(event.target.checked)} /> Show saliency
    </label>
  );
}

/** The "Show Grad-CAM" checkbox, for a model with a convolution. */
export function GradCamToggle({ shown, onChange }: { shown: boolean; onChange: (shown: boolean) => void }) {
  const id = useId();
  return (
    <label htmlFor={id} className="saliency-toggle">
      <input id={id} type="checkbox" checked={shown} onChange={(event) => onChange(event.target.checked)} /> Show Grad-CAM
    </label>
  );
}

/**
 * Whether the model (`modelKey`, any object that changes with it) has a convolution for Grad-CAM
 * to look at, asked of `probe` again when it changes; false until the answer is in, and without
 * asking while `modelKey` is null (nothing on screen needs it).
 */
export function useConvolutional(modelKey: object | null, probe: () => Promise<boolean>): boolean {
  const [answer, setAnswer] = useState<{ key: object; convolutional: boolean } | null>(null);
  useEffect(() => {
    if (modelKey === null) return;
    let current = true;
    void probe().then((convolutional) => {
      if (current) setAnswer({ key: modelKey, convolutional });
    });
    return () => {
      current = false;
    };
  }, [modelKey, probe]);
  return answer?.key === modelKey && answer.convolutional;
}

export const SALIENCY_LEGEND = 'red where more ink raises the answer’s probability, blue where it lowers it';

export const GRAD_CAM_LEGEND = 'darker red where the last convolution’s maps weigh most for the answer';

/**
 * A saliency map: red where ink raises the answer's probability, blue where it lowers it, each
 * scaled to the image's largest; over the image itself, faint, when `underlay` (its bytes) is given.
 */
export function SaliencyCanvas({ values, width, height, size = 140, underlay, label }: { values: Float32Array; width: number; height: number; size?: number; underlay?: Uint8Array; label: string }) {
  const paint = useCallback(
    (rgba: Uint8ClampedArray) => {
      const largest = values.reduce((max, v) => Math.max(max, Math.abs(v)), 0) || 1;
      values.forEach((v, i) => {
        // The paper: white, or the digit's ink in light grey under the colours.
        const base = underlay ? 255 - Math.round(0.4 * underlay[i]) : 255;
        const strength = Math.abs(v) / largest;
        const faded = Math.round(base * (1 - strength));
        rgba.set(v >= 0 ? [base, faded, faded, 255] : [faded, faded, base, 255], 4 * i);
      });
    },
    [values, underlay],
  );
  return <PixelCanvas paint={paint} width={width} height={height} size={size} label={label} />;
}
