import { lazy, Suspense, useState } from 'react';
import { Alert } from '../../components/Alert';
import { formatCount, formatDuration, formatPercent } from '../../components/format';
import { MNIST_TRAIN_SIZE } from '../../engine/config';
import { Panel } from '../../components/Panel';
import { deleteRun, renameRun, toggleRunSelected } from '../../store/runs-actions';
import { storageErrorDismissed } from '../../store/actions';
import { runDataset, type RunRecord } from '../../store/runs';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import { batchExperiment, BATCH_SIZES, runQueue } from './experiment';
import { HyperparameterTable } from './HyperparameterTable';
import { restoreRunModel } from '../../bridge/model-store';
import './runs.css';
import { errorText } from '../../formats/error-text';

// Charts load with recharts when two runs are first compared.
const RunsOverlay = lazy(() => import('./RunsOverlay').then((module) => ({ default: module.RunsOverlay })));

const STATUS_TEXT: Record<RunRecord['status'], string> = {
  running: 'running',
  paused: 'paused',
  finished: 'finished',
  stopped: 'stopped',
  diverged: 'diverged',
  interrupted: 'interrupted',
};

/** What the experiment button will train, in plain sight rather than in a tooltip. */
function ExperimentScope() {
  const epochs = useAppStore((state) => state.config.epochs);
  // A config may ask for more samples than the active dataset holds; the run takes them all.
  const samples = useAppStore((state) => {
    const active = state.datasets.find((dataset) => dataset.id === state.download.datasetId);
    return Math.min(state.config.samples, active?.trainCount ?? MNIST_TRAIN_SIZE);
  });
  return (
    <p className="muted experiment-scope">
      The experiment trains the config in the editor three times — one sample at a time, then in batches of 32 and of 128 — for{' '}
      {formatCount(epochs)} epoch{epochs === 1 ? '' : 's'} of {formatCount(samples)} samples each. One sample at a time is by far the slowest.
    </p>
  );
}

/** Every run kept in this browser; tick several to compare them. */
export function RunsPanel() {
  const runs = useAppStore((state) => state.runs);
  const selectedIds = useAppStore((state) => state.selectedRunIds);
  const busy = useAppStore((state) => isBusy(state.status));
  const [error, setError] = useState<string | null>(null);
  const storageError = useAppStore((state) => state.storageError);
  const [experimentStep, setExperimentStep] = useState<number | null>(null);

  const selected = selectedIds.map((id) => runs.find((run) => run.id === id)).filter((run) => run !== undefined);

  const startExperiment = async () => {
    await runQueue(batchExperiment(useAppStore.getState().config), setExperimentStep);
    setExperimentStep(null);
  };

  return (
    <Panel
      title="Runs"
      subtitle="Every run is kept in this browser. Tick two or more to compare their curves and settings."
      actions={
        <button type="button" onClick={() => void startExperiment()} disabled={busy || experimentStep !== null} >
          Experiment: per-sample vs batch 32 vs batch 128
        </button>
      }
    >
      <ExperimentScope />
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      {storageError && <Alert onDismiss={storageErrorDismissed}>{storageError}</Alert>}
      {experimentStep !== null && (
        <p role="status">
          Experiment: run {experimentStep + 1} of {BATCH_SIZES.length} (batch size {BATCH_SIZES[experimentStep]}).
        </p>
      )}
      {runs.length === 0 ? (
        <p className="runs-empty">No runs yet. Each run you train appears here.</p>
      ) : (
        <div className="matrix-wrap">
          <table className="metrics runs-table" aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Epochs</th>
                <th scope="col">Test accuracy</th>
                <th scope="col">Training time</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow key={run.id} run={run} selected={selectedIds.includes(run.id)} busy={busy} onError={setError} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected.length >= 2 && (
        <div className="runs-compare">
          <Suspense fallback={<p className="muted">Loading the charts…</p>}>
            <div className="charts">
              <RunsOverlay runs={selected} axis="epoch" />
              <RunsOverlay runs={selected} axis="time" />
            </div>
          </Suspense>
          <HyperparameterTable runs={selected} />
        </div>
      )}
    </Panel>
  );
}

interface RunRowProps {
  run: RunRecord;
  selected: boolean;
  busy: boolean;
  onError: (message: string) => void;
}

function RunRow({ run, selected, busy, onError }: RunRowProps) {
  const last = run.epochs[run.epochs.length - 1];
  const loadModel = async () => {
    // A model belongs to the set it was trained on.
    const trainedOn = runDataset(run);
    if (trainedOn !== useAppStore.getState().dataset.name) {
      onError(`The model of ${run.name} was trained on ${trainedOn}: pick ${trainedOn} under Dataset first to use it.`);
      return;
    }
    try {
      await restoreRunModel(run.id);
    } catch (error) {
      onError(`The model of ${run.name} was not loaded: ${errorText(error)}`);
    }
  };
  return (
    <tr>
      <td>
        <input type="checkbox" checked={selected} onChange={() => toggleRunSelected(run.id)} aria-label={`Compare ${run.name}`} />
      </td>
      <td>
        <input className="run-name" value={run.name} onChange={(event) => renameRun(run.id, event.currentTarget.value)} aria-label="Run name" />
      </td>
      <td title={run.note ?? undefined}>{STATUS_TEXT[run.status]}</td>
      <td>
        {run.epochs.length} of {run.config.epochs}
      </td>
      <td>{last ? formatPercent(last.testAccuracy) : '—'}</td>
      <td>{last ? formatDuration(last.elapsed) : '—'}</td>
      <td className="run-actions">
        <button type="button" className="small" disabled={busy || run.epochs.length === 0} onClick={() => void loadModel()} aria-label={`Use model of ${run.name}`}>
          Use model
        </button>
        <button type="button" className="small" disabled={run.status === 'running' || run.status === 'paused'} onClick={() => deleteRun(run.id)} aria-label={`Delete ${run.name}`}>
          ×
        </button>
      </td>
    </tr>
  );
}
