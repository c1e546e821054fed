import { pause, reset, resume, stepEpoch, stop, train } from '../../bridge/training-bridge';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';

export function TrainingControls() {
  const status = useAppStore((state) => state.status);
  const hasModel = useAppStore((state) => state.hasModel);
  const configInvalid = useAppStore((state) => state.configError !== null);
  const busy = isBusy(status);
  return (
    <div className="controls" role="group" aria-label="Training controls">
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => void train()}
        title={configInvalid ? 'Trains with the last valid config' : 'Start a new run from fresh weights'}
      >
        Train
      </button>
      <button type="button" disabled={status !== 'running'} onClick={pause}>
        Pause
      </button>
      <button type="button" disabled={status !== 'paused'} onClick={() => void resume()}>
        Resume
      </button>
      <button type="button" disabled={busy} onClick={() => void stepEpoch()} title="Train to the end of the epoch, then pause">
        Step one epoch
      </button>
      <button type="button" disabled={!(status === 'running' || status === 'pausing' || status === 'paused')} onClick={stop}>
        Stop
      </button>
      <button
        type="button"
        className="danger"
        disabled={busy || (status === 'idle' && !hasModel)}
        onClick={() => void reset()}
        title="Forget the run and its model"
      >
        Reset
      </button>
    </div>
  );
}
