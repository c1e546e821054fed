import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import { DigitCanvas } from '../../components/DigitCanvas';
import { MNIST_DATASET } from '../../store/config-slice';
import { Panel } from '../../components/Panel';
import { argmax } from '../../engine/metrics';
import { useAppStore } from '../../store/store';
import { predictDigit } from '../../bridge/training-bridge';
import { PAD_SIZE, type Point } from './ink';
import { EMPTY_VIEW, livePrediction, type PredictionView } from './live-prediction';
import { FeatureMaps, useDrawnFeatureMaps } from './FeatureMaps';
import { HiddenActivations } from './HiddenActivations';
import { AddExample, MyExamples } from './MyExamples';
import { Pad } from './pad';
import { ProbabilityBars } from './ProbabilityBars';
import { Saliency } from './Saliency';
import './draw-pad.css';

/** Draw a digit and watch the current model read it, live. */
/** `children` sit under the pad: the app puts the model files there. */
export function DrawPad({ children }: { children?: ReactNode }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [pad] = useState(() => new Pad());
  const [view, setView] = useState<PredictionView>(EMPTY_VIEW);
  const [live] = useState(() => livePrediction(pad.read, predictDigit, setView));
  const [strokeCount, setStrokeCount] = useState(0);
  // A new epoch, a run reset or a loaded model changes what reads the drawing: it is read again.
  const evaluation = useAppStore((state) => state.evaluation);
  const hasModel = useAppStore((state) => state.hasModel);
  const modelVersion = useAppStore((state) => state.modelVersion);
  const dataset = useAppStore((state) => state.dataset);
  // Only MNIST is digits: another set's classes may be numbered without being digits.
  const digits = dataset.id === MNIST_DATASET.id;
  useDrawnFeatureMaps(view.image, view.probabilities);

  useEffect(() => pad.attach(canvasRef.current), [pad]);

  useEffect(() => {
    if (pad.strokeCount > 0) live.now();
  }, [pad, live, evaluation, hasModel, modelVersion]);

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    if (!pad.begin(event.pointerId, pointAt(event.currentTarget, event))) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    setStrokeCount(pad.strokeCount);
    live.soon();
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const canvas = event.currentTarget;
    // Coalesced events carry the points the browser merged into this one: smoother fast strokes.
    const coalesced = event.nativeEvent.getCoalescedEvents?.() ?? [];
    const moves = coalesced.length > 0 ? coalesced : [event];
    if (pad.extend(event.pointerId, moves.map((move) => pointAt(canvas, move)))) live.soon();
  };

  const onPointerEnd = (event: PointerEvent<HTMLCanvasElement>) => {
    if (pad.end(event.pointerId)) live.now();
  };

  const clear = () => {
    pad.clear();
    setStrokeCount(0);
    live.clear();
  };

  const undo = () => {
    pad.undo();
    setStrokeCount(pad.strokeCount);
    live.now();
  };

  const drawing = () => {
    const image = pad.read();
    return image && { image, strokes: pad.drawnStrokes };
  };

  const best = view.probabilities ? argmax(view.probabilities, 0, view.probabilities.length) : null;

  return (
    <Panel
      title={digits ? 'Draw a digit' : `Draw: ${dataset.name}`}
      subtitle={
        digits
          ? 'Draw a digit from 0 to 9 in the black square; the network reads it as you draw.'
          : `Draw one of ${dataset.name}'s classes (${dataset.classNames.slice(0, 3).join(', ')}…) in the black square; the network reads it as you draw.`
      }
    >
      <div className="draw-pad">
        <div className="draw-pad-input">
          <canvas
            ref={canvasRef}
            className="draw-pad-canvas"
            width={PAD_SIZE}
            height={PAD_SIZE}
            role="img"
            aria-label="Drawing pad"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerEnd}
            onPointerCancel={onPointerEnd}
          />
          <div className="draw-pad-buttons">
            <button type="button" onClick={undo} disabled={strokeCount === 0}>
              Undo
            </button>
            <button type="button" onClick={clear} disabled={strokeCount === 0}>
              Clear
            </button>
          </div>
          <AddExample drawing={drawing} hasDrawing={strokeCount > 0} predicted={best} onAdded={clear} />
        </div>
        <figure className="draw-pad-seen">
          {view.image ? (
            <DigitCanvas pixels={toBytes(view.image)} size={140} label="What the network sees (28×28)" />
          ) : (
            <div className="draw-pad-seen-empty" style={{ width: 140, height: 140 }} />
          )}
          <figcaption>What the network sees: 28×28, centred like MNIST</figcaption>
        </figure>
        <div className="draw-pad-reading">
          <p>
            Prediction:{' '}
            <output className="draw-pad-prediction" aria-label="Prediction">
              {best === null ? '' : (dataset.classNames[best] ?? String(best))}
            </output>
          </p>
          {view.probabilities ? <ProbabilityBars probabilities={view.probabilities} classNames={dataset.classNames} digits={digits} /> : <p className="draw-pad-hint">{hint(view, digits)}</p>}
        </div>
      </div>
      {view.image && view.probabilities && (
        <>
          <Saliency image={view.image} modelKey={view.probabilities} />
          <FeatureMaps />
          <HiddenActivations image={view.image} modelKey={view.probabilities} />
        </>
      )}
      <MyExamples />
      {children}
    </Panel>
  );
}

/** Where the pointer is, in the canvas's own pixels whatever its CSS size. */
function pointAt(canvas: HTMLCanvasElement, { clientX, clientY }: { clientX: number; clientY: number }): Point {
  const rect = canvas.getBoundingClientRect();
  return { x: ((clientX - rect.left) * PAD_SIZE) / rect.width, y: ((clientY - rect.top) * PAD_SIZE) / rect.height };
}

function hint(view: PredictionView, digits: boolean): string {
  if (!view.image) return `Draw ${digits ? 'a digit' : 'something'} to see what the network reads.`;
  if (view.error) return `The network could not read the drawing: ${view.error}`;
  return 'No model yet: train one (an epoch is enough) or load a model file, and the pad will be read.';
}

function toBytes(image: Float32Array): Uint8Array {
  return Uint8Array.from(image, (v) => Math.round(v * 255));
}
