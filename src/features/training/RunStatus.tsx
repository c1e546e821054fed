import { formatCount, formatPercent } from '../../components/format';
import type { AppState } from '../../store/state';
import { useAppStore } from '../../store/store';

/** One sentence saying what is happening, announced politely to screen readers. */
export function RunStatus() {
  const text = useAppStore(statusText);
  return (
    <p className="run-status" role="status" aria-live="polite">
      {text}
    </p>
  );
}

function statusText(state: AppState): string {
  const { status, progress, epochs } = state;
  const last = epochs.points[epochs.points.length - 1];
  const reached = last ? ` Test accuracy after epoch ${last.epoch}: ${formatPercent(last.testAccuracy)}.` : '';
  switch (status) {
    case 'idle':
      return state.hasModel ? 'A model is loaded. Train a new one or draw a digit.' : 'Ready. Pick a preset and press Train.';
    case 'loading':
      return 'Loading the MNIST dataset…';
    case 'running':
      return progress ? `Training epoch ${progress.epoch} of ${progress.epochs}…` : 'Starting…';
    case 'pausing':
      return 'Pausing…';
    case 'paused':
      return progress
        ? `Paused in epoch ${progress.epoch} after ${formatCount(progress.samplesDone)} samples.${reached}`
        : 'Paused.';
    case 'stopped':
      return `Stopped.${reached}`;
    case 'finished': {
      const epochs = last?.epoch ?? 0;
      const kept = state.bestKept;
      const keptText = kept
        ? ` Kept the model of epoch ${kept.bestEpoch}, the best on validation: test accuracy ${formatPercent(kept.test.accuracy)}.`
        : reached;
      return `Finished ${epochs} epoch${epochs === 1 ? '' : 's'}${kept?.stoppedEarly ? ' (stopped early)' : ''}.${keptText}`;
    }
    case 'diverged':
      return 'The run diverged.';
  }
}
