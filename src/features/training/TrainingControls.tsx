import { useEffect, useRef, useState } from 'react';
import { pause, reset, resume, stepEpoch, stop, train } from '../../bridge/training-bridge';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { isBusy, type RunStatus } from '../../store/state';
import { configProblem } from '../../store/config-slice';
import { useAppStore } from '../../store/store';

type Primary = 'train' | 'pause' | 'resume';
/** The two presses that throw work away, asked about first. */
type Asking = 'reset' | 'train-over-paused' | null;

/** The control that can act in each state: where the focus goes when the one it was on cannot. */
function primaryControl(status: RunStatus): Primary | null {
  switch (status) {
    case 'running':
      return 'pause';
    case 'paused':
      return 'resume';
    case 'loading':
    case 'pausing':
      return null;
    default:
      return 'train';
  }
}

export function TrainingControls() {
  const status = useAppStore((state) => state.status);
  const hasModel = useAppStore((state) => state.hasModel);
  const configInvalid = useAppStore((state) => configProblem(state) !== null);
  const busy = isBusy(status);
  const group = useRef<HTMLDivElement>(null);
  const trainButton = useRef<HTMLButtonElement>(null);
  const pauseButton = useRef<HTMLButtonElement>(null);
  const resumeButton = useRef<HTMLButtonElement>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const progress = useAppStore((state) => state.progress);

  // Pressing Train, Pause, Stop or Reset makes that very button unavailable; hand the focus on
  // to the control that can act now rather than leave it on one that cannot.
  useEffect(() => {
    const focused = document.activeElement;
    if (!(focused instanceof HTMLElement) || !group.current?.contains(focused)) return;
    if (focused.getAttribute('aria-disabled') !== 'true') return;
    const next = primaryControl(status);
    const button = next === 'train' ? trainButton : next === 'pause' ? pauseButton : next === 'resume' ? resumeButton : null;
    button?.current?.focus();
  }, [status]);

  return (
    <div className="controls" role="group" aria-label="Training controls" ref={group}>
      <ActionButton
        ref={trainButton}
        className="primary"
        unavailable={busy}
        // A field with a refused edit would lose it (and its message) on blur before the click.
        onMouseDown={(event) => {
          if (configInvalid) event.preventDefault();
        }}
        onClick={() => {
          if (configInvalid) {
            void train();
            // A refused start names the field; take the user there.
            document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
          } else if (status === 'paused') {
            setAsking('train-over-paused');
          } else {
            void train();
          }
        }}
        title="Start a new run from fresh weights"
      >
        Train
      </ActionButton>
      <ActionButton ref={pauseButton} unavailable={status !== 'running'} onClick={pause}>
        Pause
      </ActionButton>
      <ActionButton ref={resumeButton} unavailable={status !== 'paused'} onClick={() => void resume()}>
        Resume
      </ActionButton>
      <ActionButton unavailable={busy} onClick={() => void stepEpoch()} title="Train to the end of the epoch, then pause">
        Step one epoch
      </ActionButton>
      <ActionButton unavailable={!(status === 'running' || status === 'pausing' || status === 'paused')} onClick={stop}>
        Stop
      </ActionButton>
      <ActionButton
        className="danger"
        unavailable={busy || (status === 'idle' && !hasModel)}
        onClick={() => setAsking('reset')}
        title="Forget the run and its model"
      >
        Reset
      </ActionButton>
      <ConfirmDialog
        open={asking === 'reset'}
        title="Reset?"
        message="Reset forgets the model and the curves and evaluation on screen. The runs history keeps its runs and their models."
        confirmLabel="Reset"
        cancelLabel="Keep them"
        onConfirm={() => {
          setAsking(null);
          void reset();
        }}
        onCancel={() => setAsking(null)}
      />
      <ConfirmDialog
        open={asking === 'train-over-paused'}
        title="Start a new run?"
        message={
          `The paused run${progress ? ` (epoch ${progress.epoch} of ${progress.epochs})` : ''} ends where it is, and a new run starts from fresh weights. ` +
          'The runs history keeps the paused run up to its last complete epoch.'
        }
        confirmLabel="Start a new run"
        cancelLabel="Keep the paused run"
        onConfirm={() => {
          setAsking(null);
          void train();
        }}
        onCancel={() => setAsking(null)}
      />
    </div>
  );
}
