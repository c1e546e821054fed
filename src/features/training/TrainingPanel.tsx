import { train } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { Panel } from '../../components/Panel';
import { dismissRunError, dismissTrainRefusal } from '../../store/actions';
import { configProblem } from '../../store/config-slice';
import { useAppStore } from '../../store/store';
import { BothCores } from './BothCores';
import { RunStatus } from './RunStatus';
import { TrainingControls } from './TrainingControls';
import { DownloadProgress, EpochProgress } from './TrainingProgress';
import './training.css';

export function TrainingPanel() {
  const runError = useAppStore((state) => state.runError);
  const downloadFailed = useAppStore((state) => state.download.status === 'error');
  // Said while the refused edit is on screen: fixing the field answers it.
  const refusal = useAppStore((state) => (state.trainRefused ? configProblem(state) : null));
  return (
    <Panel title="Training" subtitle="Runs in a background thread: the page stays responsive while the network learns." className="training-panel">
      <div className="training-bar">
        {/* On a phone the actions and the status stay at the bottom of the screen, wherever the page is scrolled. */}
        <div className="action-bar">
          <TrainingControls />
          <RunStatus />
        </div>
        <BothCores />
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
      {refusal && <Alert onDismiss={dismissTrainRefusal}>Not started: fix this first, or Train would run the last valid config instead. {refusal}</Alert>}
      <div className="progress-stack">
        <EpochProgress />
        <DownloadProgress />
      </div>
    </Panel>
  );
}
