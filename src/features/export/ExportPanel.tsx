import { zipSync } from 'fflate';
import { useState } from 'react';
import { exportModel } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { Panel } from '../../components/Panel';
import { saveFile } from '../../components/save-file';
import { EXPORT_FORMATS, FORMAT_LABELS, type ExportFormat } from '../../export/format-names';
import { modelPy } from '../../export/pytorch';
import { TRAIN_PY } from '../../export/pytorch-train';
import { errorText } from '../../formats/error-text';
import { parseModel } from '../../formats/model-format';
import { useAppStore } from '../../store/store';
import './export.css';

/** Where each format's files go: one file as it is, several in a zip. */
const ARCHIVE_NAMES: Record<ExportFormat, string> = { onnx: 'mnist-model.onnx', pytorch: 'mnist-pytorch.zip', tfjs: 'mnist-tfjs.zip' };

/** Take the model out: export it to ONNX, PyTorch or TF.js, or read the PyTorch code for the current config. */
export function ExportPanel() {
  const hasModel = useAppStore((state) => state.hasModel);
  const config = useAppStore((state) => state.config);
  const [format, setFormat] = useState<ExportFormat>('onnx');
  const [error, setError] = useState<string | null>(null);
  const [showCode, setShowCode] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);

  const download = async () => {
    try {
      const text = await exportModel();
      if (text === null) return;
      // The exporters (and the ONNX schema) load when first used.
      const { exportFiles } = await import('../../export/formats');
      const files = exportFiles(parseModel(text), format);
      const bytes = files.length === 1 ? files[0].bytes : zipSync(Object.fromEntries(files.map((f) => [f.name, f.bytes])));
      saveFile(ARCHIVE_NAMES[format], new Uint8Array(bytes).buffer, files.length === 1 ? 'application/octet-stream' : 'application/zip');
      setError(null);
    } catch (reason) {
      setError(`The model could not be exported: ${errorText(reason)}`);
    }
  };

  const code = [
    { name: 'model.py', text: modelPy(config) },
    { name: 'train.py', text: TRAIN_PY },
  ];
  const copy = async (name: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(name);
    } catch (reason) {
      setError(`Could not copy ${name}: ${errorText(reason)}`);
    }
  };

  return (
    <Panel
      title="Take it further"
      subtitle="Export the trained network to ONNX, PyTorch or TensorFlow.js; the PyTorch export trains on with this recipe, on one machine or many."
      className="export-panel"
    >
      <div className="export-controls">
        <label>
          Format{' '}
          <select value={format} onChange={(event) => setFormat(event.currentTarget.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void download()} disabled={!hasModel}>
          Export model
        </button>
        <button type="button" className="secondary" aria-expanded={showCode} onClick={() => setShowCode(!showCode)}>
          {showCode ? 'Hide code' : 'Show code'}
        </button>
      </div>
      {!hasModel && <p className="muted">Train or load a model to export it; the code below needs only the config.</p>}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      {showCode &&
        code.map(({ name, text }) => (
          <figure key={name} className="export-code">
            <figcaption>
              <code>{name}</code>{' '}
              <button type="button" className="secondary small" onClick={() => void copy(name, text)}>
                Copy {name}
              </button>
              {copied === name && <span className="muted"> Copied.</span>}
            </figcaption>
            <pre aria-label={name} tabIndex={0}>
              {text}
            </pre>
          </figure>
        ))}
    </Panel>
  );
}
