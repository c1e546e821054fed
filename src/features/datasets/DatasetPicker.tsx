import { useId, useState, type FormEvent } from 'react';
import { acceptStorageOffer, addDataset, createDrawnDataset, deleteDataset, exportDataset, selectDataset } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { formatCount, namesAreDigits } from '../../components/format';
import { Panel } from '../../components/Panel';
import { saveFile } from '../../components/save-file';
import type { DatasetMarker } from '../../formats/config-hash';
import { errorText } from '../../formats/error-text';
import { datasetErrorDismissed, datasetFailed } from '../../store/actions';
import { MNIST_DATASET } from '../../store/config-slice';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { DatasetInfo, NamedBlob } from '../../worker/api';
import './datasets.css';

const MNIST_ROW: DatasetInfo = { ...MNIST_DATASET, trainCount: 60_000, testCount: 10_000, pixelBytes: 70_000 * 784, addedAt: 0 };

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** "T-shirt/top, Trouser, Pullover and 7 more" */
function classList(names: string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** What the page opened by a link should know of the dataset the link names. */
function linkDatasetText({ name, problem }: DatasetMarker, active: string): string {
  if (problem) return `The dataset named in this link, ${name}, was not read: ${problem}. It opens with ${active}.`;
  return `This link was made on ${name || 'a dataset'}, a dataset kept in the browser it came from; links do not carry data, so it opens with ${active} and the network fitted to it.`;
}

/** MNIST and the datasets added to this browser: pick one to train on, add or delete one. Nothing is uploaded. */
export function DatasetPicker() {
  const datasets = useAppStore((state) => state.datasets);
  const active = useAppStore((state) => state.dataset.id);
  const work = useAppStore((state) => state.datasetWork);
  const error = useAppStore((state) => state.datasetError);
  const note = useAppStore((state) => [state.datasetNote, state.datasetModelNote].filter(Boolean).join(' '));
  const numbered = useAppStore((state) => state.dataset.id !== MNIST_DATASET.id && namesAreDigits(state.dataset.classNames));
  const classCount = useAppStore((state) => state.dataset.classNames.length);
  const linkDataset = useAppStore((state) => state.linkDataset);
  const activeName = useAppStore((state) => state.dataset.name);
  const busy = useAppStore((state) => isBusy(state.status));
  const offer = useAppStore((state) => state.storageOffer);
  const locked = busy || work !== null;
  const rows = [MNIST_ROW, ...datasets];

  return (
    <Panel title="Dataset" subtitle="Train on MNIST or on your own images. What you add stays in this browser; nothing is uploaded." className="dataset-panel">
      <fieldset className="dataset-list" disabled={locked}>
        <legend className="visually-hidden">Dataset to train on</legend>
        {rows.map((info) => (
          <div key={info.id} className="dataset-row">
            <label>
              <input type="radio" name="dataset" value={info.id} checked={info.id === active} onChange={() => void selectDataset(info.id)} />
              <span className="dataset-name">{info.name}</span>
              <span className="dataset-facts">
                {info.height}×{info.width} · {info.classNames.length} classes ({classList(info.classNames)}) ·{' '}
                {info.drawn ? 'drawn on the pad' : `${formatCount(info.trainCount)} + ${formatCount(info.testCount)} images · ${megabytes(info.pixelBytes)}`}
              </span>
            </label>
            {info.id !== MNIST_DATASET.id && (
              <span className="dataset-actions">
                <button type="button" className="secondary small" aria-label={`Export ${info.name} as IDX files`} onClick={() => void saveIdx(info)}>
                  Export
                </button>
                <button type="button" className="secondary small" aria-label={`Delete ${info.name}`} onClick={() => void deleteDataset(info.id)}>
                  Delete
                </button>
              </span>
            )}
          </div>
        ))}
      </fieldset>
      {/* One short line in both states, so the form below stays put when a run starts. */}
      <p className="note dataset-when">{busy ? 'Pause or stop the run to change the dataset.' : 'The dataset changes between runs.'}</p>
      {work && (
        <p className="note" role="status">
          {work === 'adding' ? 'Reading the dataset…' : 'Switching dataset…'}
        </p>
      )}
      {error && (
        <Alert
          onDismiss={datasetErrorDismissed}
          action={
            offer && (
              <button type="button" disabled={busy || work !== null} onClick={() => void acceptStorageOffer()}>
                {offer.label}
              </button>
            )
          }
        >
          {error}
        </Alert>
      )}
      {linkDataset && (
        <p className="note" role="status">
          {linkDatasetText(linkDataset, activeName)}
        </p>
      )}
      {note && (
        <p className="note" role="status">
          {note}
        </p>
      )}
      {numbered && (
        <p className="note">
          Its classes are numbered 0 to {classCount - 1}. To name them, add it again with labels.txt: one name per line, in class order.
        </p>
      )}
      <details className="dataset-add">
        <summary>Add a dataset</summary>
        <DrawnForm disabled={locked} />
        <IdxForm disabled={locked} />
        <ImagesForm disabled={locked} />
      </details>
    </Panel>
  );
}

async function saveIdx(info: DatasetInfo): Promise<void> {
  try {
    for (const file of await exportDataset(info.id)) saveFile(file.name, file.bytes as Uint8Array<ArrayBuffer>, 'application/octet-stream');
  } catch (error) {
    datasetFailed(`${info.name} could not be exported: ${errorText(error)}`);
  }
}

const asBlobs = (files: FileList | null, path = false): NamedBlob[] =>
  Array.from(files ?? [], (file) => ({ name: path && file.webkitRelativePath ? file.webkitRelativePath : file.name, blob: file }));

function DrawnForm({ disabled }: { disabled: boolean }) {
  const nameId = useId();
  const classesId = useId();
  const [name, setName] = useState('');
  const [classes, setClasses] = useState('');
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (await createDrawnDataset(name, classes)) {
      setName('');
      setClasses('');
    }
  };
  return (
    <form className="dataset-form" aria-label="New drawn dataset" onSubmit={(event) => void submit(event)}>
      <h3>Drawn on the pad</h3>
      <p className="field-hint">Name the classes, then draw examples of each on the pad (a finger works on a phone) and add them.</p>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" required value={name} placeholder="Shapes" onChange={(event) => setName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={classesId}>Class names</label>
        <input
          id={classesId}
          type="text"
          required
          value={classes}
          placeholder="A, B, C, D, E"
          aria-describedby={`${classesId}-hint`}
          onChange={(event) => setClasses(event.target.value)}
        />
        <span id={`${classesId}-hint`} className="field-hint">
          Separated by commas.
        </span>
      </div>
      <button type="submit" disabled={disabled}>
        New drawn dataset
      </button>
    </form>
  );
}

function IdxForm({ disabled }: { disabled: boolean }) {
  const nameId = useId();
  const filesId = useId();
  const [name, setName] = useState('');
  const [files, setFiles] = useState<NamedBlob[]>([]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (await addDataset({ kind: 'idx', name, files })) {
      form.reset();
      setFiles([]);
      setName('');
    }
  };
  return (
    <form className="dataset-form" aria-label="Add IDX files" onSubmit={(event) => void submit(event)}>
      <h3>IDX files</h3>
      <p className="field-hint">
        The four files of an MNIST-like set (train and t10k images and labels, .gz or raw), and optionally labels.txt (one class name per line) or a JSON list
        of class names.
      </p>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" required value={name} placeholder="Fashion-MNIST" onChange={(event) => setName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={filesId}>IDX files</label>
        <input id={filesId} type="file" multiple onChange={(event) => setFiles(asBlobs(event.target.files))} />
      </div>
      <button type="submit" disabled={disabled || files.length === 0}>
        Add IDX dataset
      </button>
    </form>
  );
}

function ImagesForm({ disabled }: { disabled: boolean }) {
  const nameId = useId();
  const folderId = useId();
  const zipId = useId();
  const sideId = useId();
  const fractionId = useId();
  const [name, setName] = useState('');
  const [files, setFiles] = useState<NamedBlob[]>([]);
  const [side, setSide] = useState(28);
  const [testFraction, setTestFraction] = useState(0.2);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (await addDataset({ kind: 'images', name, files, side, testFraction, seed: 1 })) {
      form.reset();
      setFiles([]);
      setName('');
    }
  };
  return (
    <form className="dataset-form" aria-label="Add a folder of images" onSubmit={(event) => void submit(event)}>
      <h3>A folder of images</h3>
      <p className="field-hint">One subfolder per class holding PNG or JPEG images of one size, or a zip of such folders; made greyscale at the size you choose.</p>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} type="text" required value={name} placeholder="My shapes" onChange={(event) => setName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={folderId}>Folder</label>
        <input
          id={folderId}
          type="file"
          // React does not know the attribute; it selects a whole folder in every current browser.
          {...{ webkitdirectory: '' }}
          onChange={(event) => setFiles(asBlobs(event.target.files, true))}
        />
      </div>
      <div className="field">
        <label htmlFor={zipId}>or a zip</label>
        <input id={zipId} type="file" accept=".zip,application/zip" onChange={(event) => setFiles(asBlobs(event.target.files))} />
      </div>
      <div className="field-pair">
        <div className="field">
          <label htmlFor={sideId}>Image size (pixels)</label>
          <input id={sideId} type="number" min={4} max={256} step={1} value={side} onChange={(event) => setSide(event.target.valueAsNumber)} />
        </div>
        <div className="field">
          <label htmlFor={fractionId}>Test fraction</label>
          <input
            id={fractionId}
            type="number"
            min={0.05}
            max={0.95}
            step={0.05}
            value={testFraction}
            onChange={(event) => setTestFraction(event.target.valueAsNumber)}
          />
        </div>
      </div>
      <button type="submit" disabled={disabled || files.length === 0}>
        Add image dataset
      </button>
    </form>
  );
}
