import { useState } from 'react';
import { FileButton } from '../../components/FileButton';
import { Alert } from '../../components/Alert';
import { saveFile } from '../../components/save-file';
import { acceptStorageOffer, exportModel, importModelFile } from '../../bridge/training-bridge';
import { asSentence, errorText } from '../../formats/error-text';
import { modelNoted } from '../../store/actions';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import './model-files.css';

/** Save the current model as a file, or load one (ours, neural-net-rs's, or ONNX). */
export function ModelFiles() {
  const hasModel = useAppStore((state) => state.hasModel);
  const busy = useAppStore((state) => isBusy(state.status));
  const note = useAppStore((state) => state.modelNote);
  const offer = useAppStore((state) => state.storageOffer);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    const text = await exportModel();
    if (text !== null) saveFile('mnist-model.json', text);
  };

  const load = async (file: File) => {
    try {
      const summary = await importModelFile(file);
      setError(null);
      modelNoted(`Loaded ${file.name}: ${summary.description}.`);
    } catch (reason) {
      setError(`${file.name} was not loaded: ${asSentence(errorText(reason))} The current model is unchanged.`);
    }
  };

  return (
    <div className="model-files">
      <button type="button" onClick={save} disabled={!hasModel}>
        Save model
      </button>
      <FileButton label="Load model" accept=".json,.onnx,application/json" disabled={busy} onFile={(file) => void load(file)} />
      {note && <p className="model-files-note">{note}</p>}
      {note && offer && (
        <button type="button" disabled={busy} onClick={() => void acceptStorageOffer()}>
          {offer.label}
        </button>
      )}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
    </div>
  );
}

