import { useEffect, useId, useState } from 'react';
import { addExample, removeExample } from '../../bridge/example-store';
import { exampleConfidences, fineTune, undoFineTune } from '../../bridge/training-bridge';
import { formatPercent } from '../../components/format';
import { FINE_TUNING } from '../../engine/fine-tune';
import { isBusy } from '../../store/state';
import type { Score } from '../../worker/api';
import { Alert } from '../../components/Alert';
import { DigitCanvas } from '../../components/DigitCanvas';
import { saveFile } from '../../components/save-file';
import { classCounts, drawnSetProblem, examplesImageSet, scarceClasses, splitExamples, HELD_OUT_EVERY } from '../../data/drawn-examples';
import { writeIdxSet } from '../../data/idx-set';
import { errorText } from '../../formats/error-text';
import { examplesLoaded } from '../../store/actions';
import { useAppStore } from '../../store/store';
import type { Stroke } from './ink';

interface AddExampleProps {
  /** The drawing as the network reads it, and its strokes; null while the pad is empty. */
  drawing: () => { image: Float32Array; strokes: readonly Stroke[] } | null;
  hasDrawing: boolean;
  /** The class the network reads, offered first. */
  predicted: number | null;
  /** Clears the pad for the next example. */
  onAdded: () => void;
}

/** Labels the drawing on the pad and keeps it as a training example of the active dataset. */
export function AddExample({ drawing, hasDrawing, predicted, onAdded }: AddExampleProps) {
  const classId = useId();
  const classNames = useAppStore((state) => state.dataset.classNames);
  // The user's pick; until they pick, the class follows the prediction.
  const [picked, setPicked] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const label = picked ?? predicted ?? 0;

  const add = async () => {
    const drawn = drawing();
    if (!drawn) return;
    try {
      await addExample(drawn.image, drawn.strokes, label);
      setError(null);
      setPicked(null);
      onAdded();
    } catch (failure) {
      setError(`The example could not be kept in this browser: ${errorText(failure)}`);
    }
  };

  return (
    <div className="add-example">
      <div className="field">
        <label htmlFor={classId}>This drawing is</label>
        <select id={classId} value={label} onChange={(event) => setPicked(Number(event.target.value))}>
          {classNames.map((name, i) => (
            <option key={i} value={i}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <button type="button" disabled={!hasDrawing} onClick={() => void add()}>
        Add to training set
      </button>
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
    </div>
  );
}

/** The examples drawn for the active dataset, by class, with counts, each removable; exported as IDX files. */
export function MyExamples() {
  const examples = useAppStore((state) => state.examples);
  const problem = useAppStore((state) => state.examplesProblem);
  const dataset = useAppStore((state) => state.dataset);
  const counts = classCounts(examples, dataset.classNames.length);
  const scarce = scarceClasses(counts);
  const most = Math.max(0, ...counts);
  const heldOut = splitExamples(examples).heldOut.length;
  const [error, setError] = useState<string | null>(null);
  const sure = useConfidences();
  const name = (label: number) => dataset.classNames[label] ?? String(label);
  const remove = (id: string) => removeExample(id).catch((failure: unknown) => setError(`The example could not be removed: ${errorText(failure)}`));

  const exportIdx = () => {
    const set = examplesImageSet(examples, `${dataset.name} drawn`, dataset.height, dataset.width, dataset.classNames);
    for (const file of writeIdxSet(set)) saveFile(file.name, file.bytes as Uint8Array<ArrayBuffer>, 'application/octet-stream');
  };

  return (
    <section className="my-examples" aria-label="Your examples">
      <h3>Your examples ({examples.length})</h3>
      {problem && <Alert onDismiss={() => examplesLoaded(examples, null)}>{problem}</Alert>}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      {dataset.drawn && (
        <p className="note" role="note" aria-label="Drawings needed">
          {drawnSetProblem(counts, dataset.classNames) ?? `Every class has enough drawings to train on. ${dataset.name} trains like any dataset: press Train.`}
        </p>
      )}
      {examples.length === 0 ? (
        <p className="draw-pad-hint">Draw, pick the class it should be, and add it: the examples you add are kept in this browser for {dataset.name}.</p>
      ) : (
        <>
          <p className="note">
            One example in {HELD_OUT_EVERY} of each class is held out to test on ({heldOut} now); the others are for training.
          </p>
          {scarce.length > 0 && (
            <p className="note examples-warning" role="note" aria-label="Few examples">
              {scarce.map((label) => `${name(label)} has ${counts[label]}`).join(', ')}, far fewer than the {most} of the fullest class: the
              network will learn little of {scarce.length === 1 ? 'it' : 'them'}. Draw more, or remove some of the others.
            </p>
          )}
          <ul className="example-classes">
            {counts.map((count, label) =>
              count === 0 && !dataset.drawn ? null : (
                <li key={label} aria-label={`Class ${name(label)}`}>
                  <span className="example-class">
                    {name(label)}: <output aria-label={`Examples of ${name(label)}`}>{count}</output>
                  </span>
                  <span className="example-thumbs">
                    {examples
                      .filter((e) => e.label === label)
                      .map((example, i) => (
                        <span key={example.id} className="example-thumb">
                          <DigitCanvas pixels={example.pixels} side={example.width} height={example.height} size={36} label={`Example ${i + 1} of ${name(label)}`} />
                          {sure.has(example.id) && (
                            <span className="example-sure" aria-label={`Confidence in example ${i + 1} of ${name(label)}`}>
                              {Math.round((sure.get(example.id) as number) * 100)}%
                            </span>
                          )}
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Remove example ${i + 1} of ${name(label)}`}
                            onClick={() => void remove(example.id)}
                          >
                            ×
                          </button>
                        </span>
                      ))}
                  </span>
                </li>
              ),
            )}
          </ul>
          <button type="button" className="secondary" onClick={exportIdx}>
            Export as IDX files
          </button>
          {!dataset.drawn && <FineTune trainCount={examples.length - heldOut} />}
        </>
      )}
    </section>
  );
}

/** How sure the current model is of each example's class, by example id; read again whenever the model or the examples change. */
function useConfidences(): Map<string, number> {
  const examples = useAppStore((state) => state.examples);
  const hasModel = useAppStore((state) => state.hasModel);
  const evaluation = useAppStore((state) => state.evaluation);
  const modelVersion = useAppStore((state) => state.modelVersion);
  const [sure, setSure] = useState(() => new Map<string, number>());
  useEffect(() => {
    let current = true;
    void exampleConfidences(hasModel ? examples : []).then((found) => {
      if (current) setSure(new Map(found ? examples.map((e, i) => [e.id, found[i]]) : []));
    });
    return () => {
      current = false;
    };
  }, [examples, hasModel, evaluation, modelVersion]);
  return sure;
}

const score = (s: Score | null) => (s === null ? '–' : s.total === 0 ? 'none held out yet' : `${s.correct} of ${s.total}`);
const percent = (p: number | null) => (p === null ? '–' : formatPercent(p));

/** Continues training the current model on the examples, shows what it changed, and undoes it. */
function FineTune({ trainCount }: { trainCount: number }) {
  const hasModel = useAppStore((state) => state.hasModel);
  const busy = useAppStore((state) => isBusy(state.status));
  const view = useAppStore((state) => state.fineTune);
  const mineShare = FINE_TUNING.mineFraction === 0.25 ? 'a quarter' : formatPercent(FINE_TUNING.mineFraction, 0);
  return (
    <div className="fine-tune">
      <p className="note">
        Fine-tuning continues training the current model for {FINE_TUNING.steps} batches, {mineShare} of each batch your training examples and the rest the
        dataset&apos;s own training images, so it learns your hand without forgetting the rest.
      </p>
      <button type="button" disabled={!hasModel || busy || trainCount === 0} onClick={() => void fineTune()}>
        Fine-tune on my examples
      </button>
      {!hasModel && <span className="note"> Train a model (or load one) first.</span>}
      {view?.error && <Alert>{view.error}</Alert>}
      {view && !view.error && (
        <div role="status" aria-label="Fine-tuning result" className="fine-tune-result">
          <p>
            Test set accuracy: {percent(view.testBefore)} before, {view.testAfter === null ? '…' : percent(view.testAfter)} after.
          </p>
          <p>
            Your held-out examples read right: {score(view.heldOutBefore)} before, {view.heldOutAfter === null ? '…' : score(view.heldOutAfter)} after.
          </p>
          <button type="button" className="secondary" disabled={busy} onClick={() => void undoFineTune()}>
            Undo fine-tuning
          </button>
        </div>
      )}
    </div>
  );
}
