import { train } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { Panel } from '../../components/Panel';
import { dismissRunError } from '../../store/actions';
import { useAppStore } from '../../store/store';
import { BothCores } from './BothCores';
import { RunStatus } from './RunStatus';
import { TrainingControls } from './TrainingControls';
import { DownloadProgress, EpochProgress } from './TrainingProgress';
import './training.css';

export function TrainingPanel() {
  const runError = useAppStore((state) => state.runError);
  const downloadFailed = useAppStore((state) => state.download.status === 'error');
  return (
    <Panel title="Training" subtitle="Runs in a background thread: the page stays responsive while the network learns." className="training-panel">
      <div className="training-bar">
        <TrainingControls />
        <BothCores />
        <RunStatus />
      </div>
      {runError && (
        <Alert
          onDismiss={dismissRunError}
          action={
            downloadFailed && (
              <button type="button" className="small" onClick={() => void train()}>
                Retry
              </button>
            )
          }
        >
          {runError}
        </Alert>
      )}
      <div className="progress-stack">
        <EpochProgress />
        <DownloadProgress />
      </div>
    </Panel>
  );
}
