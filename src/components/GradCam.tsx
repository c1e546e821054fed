import { useCallback, useEffect, useState } from 'react';
import { PixelCanvas } from './PixelCanvas';
import type { GradCam } from '../worker/api';

/** Grad-CAM on the last convolution for one image; null without a model or a convolution. */
export type GradCamLoader = (image: Float32Array) => Promise<GradCam | null>;

/** The map to draw for one image, and whether it is Grad-CAM itself or HiResCAM in its place. */
export interface CamView {
  values: Float32Array;
  shape: readonly number[];
  averaged: boolean;
}

/**
 * Grad-CAM for `image` while `shown`, asked for again when the image or the model (`modelKey`)
 * changes, the last model's map staying until the new one's arrives; null until the first does.
 * When every map's average gradient is negative Grad-CAM is empty, and HiResCAM (each
 * position's gradient times its map) stands in for it.
 */
export function useGradCam(shown: boolean, image: Float32Array, modelKey: unknown, load: GradCamLoader): CamView | null {
  const [cam, setCam] = useState<{ for: Float32Array; view: CamView } | null>(null);
  useEffect(() => {
    if (!shown) return;
    let current = true;
    void load(image).then((found) => {
      if (!current || !found) return;
      const averaged = found.values.some((v) => v > 0);
      setCam({ for: image, view: { values: averaged ? found.values : found.elementwise, shape: found.shape, averaged } });
    });
    return () => {
      current = false;
    };
  }, [shown, image, modelKey, load]);
  return cam?.for === image ? cam.view : null;
}

/** A Grad-CAM map stretched over the image (its ink in [0, 1], faint), darker red for more. */
export function GradCamCanvas({ cam, image, width, height, size = 140, label }: { cam: CamView; image: Float32Array; width: number; height: number; size?: number; label: string }) {
  const paint = useCallback(
    (rgba: Uint8ClampedArray) => {
      const [rows, columns] = cam.shape;
      const largest = cam.values.reduce((max, v) => Math.max(max, v), 0) || 1;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          // Each pixel takes the map position over it (the map may be smaller than the image).
          const v = cam.values[Math.floor((y * rows) / height) * columns + Math.floor((x * columns) / width)] / largest;
          const ink = image[y * width + x] ?? 0;
          const paper = Math.round(255 * (1 - 0.35 * ink));
          const faded = Math.round(paper * (1 - v));
          rgba.set([paper, faded, faded, 255], 4 * (y * width + x));
        }
      }
    },
    [cam, image, width, height],
  );
  return <PixelCanvas paint={paint} width={width} height={height} size={size} label={label} />;
}

/** What a Grad-CAM picture shows, for its caption. */
export function gradCamCaption(cam: CamView): string {
  return cam.averaged
    ? 'Where the last convolution finds what the answer rests on (Grad-CAM)'
    : 'Grad-CAM is empty here (every map’s average gradient is negative): shown instead is each position’s gradient times its map (HiResCAM)';
}

/**
 * One test image's Grad-CAM, small, for a grid of images: a placeholder of its size until it
 * arrives, so the grid does not jump.
 */
export function GradCamImage({ image, modelKey, load, width, height, size, label }: { image: Float32Array; modelKey: unknown; load: GradCamLoader; width: number; height: number; size: number; label: string }) {
  const cam = useGradCam(true, image, modelKey, load);
  if (!cam) return <div style={{ width: size, height: (size * height) / width }} aria-busy="true" />;
  return <GradCamCanvas cam={cam} image={image} width={width} height={height} size={size} label={cam.averaged ? label : `${label} (HiResCAM: every map’s average gradient is negative)`} />;
}
