import { useEffect, useRef } from 'react';
import { featureMaps } from '../../bridge/training-bridge';
import { featureMapsReceived } from '../../store/actions';
import { useAppStore } from '../../store/store';
import type { FeatureMap } from '../../worker/api';

/** More maps per layer would be too small to read. */
const MAX_MAPS = 16;

/**
 * Asks the worker, once per drawing and model, what each convolution makes of the drawn
 * digit, for every view that shows it; `modelKey` null (nothing read the drawing) clears them.
 */
export function useDrawnFeatureMaps(image: Float32Array | null, modelKey: unknown): void {
  useEffect(() => {
    if (!image || !modelKey) {
      featureMapsReceived(null);
      return;
    }
    let current = true;
    // The worker may transfer the buffer it receives: it gets a copy.
    void featureMaps(image.slice()).then((found) => {
      if (current) featureMapsReceived(found);
    });
    return () => {
      current = false;
    };
  }, [image, modelKey]);
}

/**
 * What each convolution layer makes of the drawn digit: one small grey image per filter,
 * darker where the filter answered more strongly (scaled to the layer's largest output).
 */
export function FeatureMaps() {
  const maps = useAppStore((state) => state.drawnMaps);
  if (!maps) return null;
  return (
    <div className="feature-maps" role="group" aria-label="Feature maps">
      {maps.map((map, n) => {
        const [height, width, channels] = map.shape;
        const shown = Math.min(channels, MAX_MAPS);
        let max = 0;
        for (const value of map.values) max = Math.max(max, Math.abs(value));
        return (
          <figure key={map.layer} className="feature-map-layer">
            <figcaption>
              Convolution {n + 1} (layer {map.layer + 1}): {height}×{width}×{channels}
              {shown < channels ? `, first ${shown} maps shown` : ''}
            </figcaption>
            <div className="feature-map-grid">
              {Array.from({ length: shown }, (_, channel) => (
                <MapImage key={channel} map={map} channel={channel} max={max} label={`Convolution ${n + 1} map ${channel + 1}`} />
              ))}
            </div>
          </figure>
        );
      })}
    </div>
  );
}

function MapImage({ map, channel, max, label }: { map: FeatureMap; channel: number; max: number; label: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [height, width, channels] = map.shape;
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(width, height);
    // Channels last: pixel p of map c is values[p·channels + c].
    for (let p = 0; p < width * height; p++) {
      const level = max > 0 ? Math.round(255 * (1 - Math.min(1, Math.abs(map.values[p * channels + channel]) / max))) : 255;
      image.data.set([level, level, level, 255], 4 * p);
    }
    context.putImageData(image, 0, 0);
  }, [map, channel, max, width, height, channels]);
  return <canvas ref={canvasRef} className="feature-map" width={width} height={height} role="img" aria-label={label} />;
}
