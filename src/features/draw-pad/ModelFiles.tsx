import { useEffect, useState, type ChangeEvent } from 'react';
import { Alert } from '../../components/Alert';
import { exportModel, importModel } from '../../bridge/training-bridge';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { ModelSummary } from '../../worker/api';
import { keepLatestModel, restoreLatestModel } from './model-persistence';
import { errorText } from '../../formats/error-text';
import { saveFile } from '../../components/save-file';

interface ModelFilesProps {
  /** A model from a file or from the browser's storage has replaced the current one. */
  onModelLoaded: () => void;
}

/** Save the current model as a file, load one (ours or neural-net-rs's), and keep the latest in the browser. */
export function ModelFiles({ onModelLoaded }: ModelFilesProps) {
  const hasModel = useAppStore((state) => state.hasModel);
  const evaluation = useAppStore((state) => state.evaluation);
  const status = useAppStore((state) => state.status);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    restoreLatestModel().then(
      (summary) => {
        if (!summary) return;
        setNote(`Restored your last model (${shape(summary)}) from this browser.`);
        onModelLoaded();
      },
      (reason: unknown) => setNote(`Your last model could not be restored: ${errorText(reason)}`),
    );
  }, [onModelLoaded]);

  // Each epoch's evaluation, and a run that ends or pauses, mark a newer model worth keeping;
  // the fresh weights of a run that has just started are not.
  const settled = status === 'finished' || status === 'stopped' || status === 'paused' || status === 'diverged';
  useEffect(() => {
    if (hasModel && (evaluation !== null || settled)) keep(setNote);
  }, [hasModel, evaluation, settled]);

  const save = async () => {
    const text = await exportModel();
    if (text !== null) saveFile('mnist-model.json', text);
  };

  const load = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again loads it again.
    input.value = '';
    if (!file) return;
    try {
      const summary = await importModel(await file.text());
      setError(null);
      setNote(`Loaded ${file.name}: ${shape(summary)}.`);
      onModelLoaded();
      keep(setNote);
    } catch (reason) {
      setError(`${file.name} was not loaded: ${errorText(reason)} The current model is unchanged.`);
    }
  };

  return (
    <div className="model-files">
      <button type="button" onClick={save} disabled={!hasModel}>
        Save model
      </button>
      <label>
        Load model{' '}
        <input type="file" accept=".json,application/json" aria-label="Load model" onChange={load} disabled={isBusy(status)} />
      </label>
      {note && <p className="model-files-note">{note}</p>}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
    </div>
  );
}

function keep(setNote: (note: string) => void): void {
  keepLatestModel().catch((reason: unknown) => setNote(`The model could not be kept in this browser: ${errorText(reason)}`));
}

function shape(summary: ModelSummary): string {
  return `${summary.layers.join('-')} ${summary.activations.join('/')}`;
}
