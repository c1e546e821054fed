import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { loadEmbedding, watchEmbedding } from '../../bridge/training-bridge';
import { DigitCanvas } from '../../components/DigitCanvas';
import { formatCount, formatPercent } from '../../components/format';
import { Panel } from '../../components/Panel';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { Embedding } from '../../worker/api';
import { EmbeddingImage } from './EmbeddingImage';
import { classColour, dotToward, layout, nearestDot } from './map';
import './embedding.css';

/** Room around the dots, in CSS pixels. */
const MARGIN = 8;
const DOT_RADIUS = 2.5;
/** How far from a dot the pointer still reads it: a finger needs more room than a mouse. */
const REACH = { mouse: 8, touch: 16 };
const ARROWS: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Each image's predicted class and its probability, from the map's outputs. */
export interface Readings {
  predicted: Uint8Array;
  confidence: Float32Array;
}

function readingsOf(embedding: Embedding, classes: number): Readings {
  const { count, outputs } = embedding;
  const width = outputs.length / count;
  const predicted = new Uint8Array(count);
  const confidence = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < Math.min(width, classes); c++) if (outputs[i * width + c] > outputs[i * width + best]) best = c;
    predicted[i] = best;
    confidence[i] = outputs[i * width + best];
  }
  return { predicted, confidence };
}

/**
 * "Embedding": one dot per test image, placed by what the network's last hidden layer makes of
 * it (its two principal directions), coloured by the image's class; asked of the worker only
 * while open, then again at each epoch's end.
 */
export function EmbeddingPanel() {
  const [open, setOpen] = useState(false);
  const embedding = useAppStore((state) => state.embedding);
  const error = useAppStore((state) => state.embeddingError);
  const hasModel = useAppStore((state) => state.hasModel);
  const busy = useAppStore((state) => isBusy(state.status));
  const modelVersion = useAppStore((state) => state.modelVersion);

  useEffect(() => {
    if (!open) return;
    watchEmbedding(true);
    return () => watchEmbedding(false);
  }, [open]);
  useEffect(() => {
    // While a run trains, each epoch's end brings the map; otherwise the model as it is is mapped.
    if (open && hasModel && !busy && !embedding && !error) void loadEmbedding();
  }, [open, hasModel, busy, embedding, error, modelVersion]);

  return (
    <Panel title="Embedding" subtitle="Where the network puts each test image: images it finds alike land close together." className="embedding-panel">
      <details className="embedding-details" onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>Map of the last hidden layer</summary>
        {open &&
          (error ? (
            <p className="muted">{error}</p>
          ) : embedding ? (
            <EmbeddingMapView embedding={embedding} />
          ) : (
            <p className="muted">
              {!hasModel ? 'No model yet: train one (an epoch is enough) or load a model file.' : busy ? 'The map appears at the end of this epoch.' : 'Mapping the test images…'}
            </p>
          ))}
      </details>
    </Panel>
  );
}

function EmbeddingMapView({ embedding }: { embedding: Embedding }) {
  const { height: imageHeight, width: imageWidth, classNames } = useAppStore((state) => state.dataset);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(480);
  const [active, setActive] = useState(-1);
  const [opened, setOpened] = useState<number | null>(null);
  const readoutId = useId();
  const height = Math.round(width * 0.75);
  const { count, labels } = embedding;
  const readings = useMemo(() => readingsOf(embedding, classNames.length), [embedding, classNames.length]);
  const placed = useMemo(() => layout(embedding.points, count, width, height, MARGIN), [embedding, count, width, height]);
  const name = (label: number) => classNames[label] ?? String(label);
  const perClass = useMemo(() => {
    const counts = new Array<number>(classNames.length).fill(0);
    for (let i = 0; i < count; i++) counts[labels[i]]++;
    return counts;
  }, [labels, count, classNames.length]);

  useEffect(() => {
    const element = wrap.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.min(640, Math.floor(entry.contentRect.width)))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const scale = window.devicePixelRatio || 1;
    element.width = Math.round(width * scale);
    element.height = Math.round(height * scale);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.clearRect(0, 0, width, height);
    // One path per class: ten fills, not two thousand.
    for (let label = 0; label < classNames.length; label++) {
      context.beginPath();
      for (let i = 0; i < count; i++) {
        if (labels[i] !== label) continue;
        context.moveTo(placed[2 * i] + DOT_RADIUS, placed[2 * i + 1]);
        context.arc(placed[2 * i], placed[2 * i + 1], DOT_RADIUS, 0, 2 * Math.PI);
      }
      context.fillStyle = classColour(label);
      context.globalAlpha = 0.8;
      context.fill();
    }
    context.globalAlpha = 1;
    if (active >= 0 && active < count) {
      context.beginPath();
      context.arc(placed[2 * active], placed[2 * active + 1], DOT_RADIUS + 4, 0, 2 * Math.PI);
      context.lineWidth = 2;
      context.strokeStyle = '#111827';
      context.stroke();
    }
  }, [placed, labels, count, width, height, active, classNames.length]);

  /** The dot under a pointer or click; a click is a PointerEvent in the browsers that say which pointer made it. */
  const dotAt = (event: MouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const pointer = 'pointerType' in event.nativeEvent ? (event.nativeEvent as globalThis.PointerEvent).pointerType : 'mouse';
    return nearestDot(placed, event.clientX - rect.left, event.clientY - rect.top, pointer === 'mouse' ? REACH.mouse : REACH.touch);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const arrow = ARROWS[event.key];
    if (arrow) {
      event.preventDefault();
      setActive((from) => (from < 0 ? nearestDot(placed, width / 2, height / 2, Infinity) : dotToward(placed, from, arrow[0], arrow[1])));
    } else if ((event.key === 'Enter' || event.key === ' ') && active >= 0) {
      event.preventDefault();
      setOpened(active);
    } else if (event.key === 'Escape') {
      setActive(-1);
    }
  };

  const shown = active >= 0 && active < count ? active : -1;
  const readout =
    shown >= 0
      ? `Test image ${shown}: a ${name(labels[shown])}, read as ${name(readings.predicted[shown])} (${formatPercent(readings.confidence[shown], 0)})`
      : 'Point at a dot, or focus the map and use the arrow keys, to see its image; click or press Enter to open it.';
  const pixels = imageHeight * imageWidth;
  const layer = embedding.layer === 0 ? 'the pixels (the network has no hidden layer)' : `layer ${embedding.layer} (${formatCount(embedding.size)} values)`;
  return (
    <div className="embedding-map" ref={wrap}>
      <p className="embedding-caption">
        The first {formatCount(count)} test images, placed by what {layer} makes of them
        {embedding.epoch > 0 ? ` after epoch ${embedding.epoch}` : ''}: its two main directions (PCA) hold {formatPercent(embedding.explained[0], 0)} and{' '}
        {formatPercent(embedding.explained[1], 0)} of the variation.
      </p>
      <div
        className="embedding-plot"
        style={{ width, height }}
        tabIndex={0}
        role="group"
        aria-roledescription="map"
        aria-label={`Embedding map of ${formatCount(count)} test images`}
        aria-describedby={readoutId}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          if (event.target === event.currentTarget && active < 0) setActive(nearestDot(placed, width / 2, height / 2, Infinity));
        }}
        onPointerMove={(event) => {
          const dot = dotAt(event);
          if (dot >= 0) setActive(dot);
        }}
        onPointerLeave={(event) => {
          // A dot chosen with the keyboard stays while the map has the focus.
          if (document.activeElement !== event.currentTarget) setActive(-1);
        }}
        onClick={(event) => {
          const dot = dotAt(event);
          if (dot >= 0) setOpened(dot);
        }}
      >
        <canvas ref={canvas} style={{ width, height }} aria-hidden="true" />
        {shown >= 0 && (
          <div
            className="embedding-tip"
            role="tooltip"
            style={{
              left: Math.min(placed[2 * shown] + 10, width - 150),
              top: placed[2 * shown + 1] > height / 2 ? placed[2 * shown + 1] - 80 : placed[2 * shown + 1] + 10,
            }}
          >
            <DigitCanvas pixels={embedding.images.subarray(shown * pixels, (shown + 1) * pixels)} side={imageWidth} height={imageHeight} size={56} label={`Test image ${shown}`} />
            <span>
              a {name(labels[shown])}, read as <strong>{name(readings.predicted[shown])}</strong> {formatPercent(readings.confidence[shown], 0)}
            </span>
          </div>
        )}
      </div>
      <p id={readoutId} className="embedding-readout" aria-live="polite">
        {readout}
      </p>
      <ul className="embedding-legend" aria-label="Classes and their colours">
        {perClass.map((n, label) => (
          <li key={label}>
            <span className="embedding-swatch" style={{ background: classColour(label) }} aria-hidden="true" />
            {name(label)} <span className="muted">({formatCount(n)})</span>
          </li>
        ))}
      </ul>
      {opened !== null && opened < count && (
        <EmbeddingImage embedding={embedding} index={opened} readings={readings} onClose={() => setOpened(null)} />
      )}
    </div>
  );
}
