import { formatCount, formatPercent } from '../../components/format';
import { MNIST_DATASET } from '../../store/config-slice';
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
      if (state.restoring) return 'Restoring your last model and its results from this browser…';
      return state.hasModel ? `A model is loaded. Train a new one or draw ${state.dataset.id === MNIST_DATASET.id ? 'a digit' : 'on the pad'}.` : 'Ready. Pick a preset and press Train.';
    case 'loading':
      return `Loading the ${state.dataset.name} dataset…`;
    case 'running':
      return progress ? `Training epoch ${progress.epoch} of ${progress.epochs}…` : 'Starting…';
    case 'pausing':
      return 'Pausing…';
    case 'paused':
      return progress
        ? `Paused in epoch ${progress.epoch} after ${formatCount(progress.samplesDone)} samples.${reached}`
        : 'Paused.';
    case 'stopped':
      return stoppedText(state);
    case 'finished': {
      const epochs = last?.epoch ?? 0;
      const kept = state.bestKept;
      const keptText = kept
        ? ` Kept the model of epoch ${kept.bestEpoch}, the best on validation: test accuracy ${formatPercent(kept.test.accuracy)}.`
        : reached;
      return `Finished ${epochs} epoch${epochs === 1 ? '' : 's'}${kept?.stoppedEarly ? ' (stopped early)' : ''}.${keptText}${kernelsText(state)}${workersText(state)}`;
    }
    case 'diverged':
      return 'The run diverged.';
  }
}

/**
 * Which arithmetic trained the model (engine/kernels.ts): a seed gives the same weights again
 * only on the same kernels, and the fused ones are those of a CPU with fused multiply-add.
 */
function kernelsText({ kernelsUsed }: AppState): string {
  if (kernelsUsed === null) return '';
  return { fused: ' Fused multiply-add kernels.', wasm: ' WebAssembly SIMD kernels.', ts: ' TypeScript kernels.' }[kernelsUsed];
}

/**
 * With "Use both cores" on, how many workers the run trained in, and with two, how many of the
 * second halves the second worker computed: the training worker computes one itself when that is
 * faster at the moment (engine/shards.ts). Why one, when it is one, is the checkbox's own note,
 * shown beside it whenever it is on: said twice, it took a second line. Longer words for the
 * share than these wrapped a 10-epoch status at 1280 px.
 */
function workersText({ workersUsed, secondHalves }: AppState): string {
  if (workersUsed === null) return '';
  if (workersUsed === 1) return ' Trained in one worker.';
  if (!secondHalves || secondHalves.total === 0) return ' Trained in two workers.';
  return ` Two workers; the second did ${Math.round((100 * secondHalves.second) / secondHalves.total)}% of second halves.`;
}

/** Which model a hand-stopped run left, so nobody reads the last epoch's accuracy as the model's when it is not. */
function stoppedText({ stopped, progress, evaluation }: AppState): string {
  if (!stopped) return 'Stopped.';
  const { keptEpoch, droppedSamples } = stopped;
  const accuracy = evaluation ? `: test accuracy ${formatPercent(evaluation.accuracy)}` : '';
  if (droppedSamples > 0) {
    return (
      `Stopped during epoch ${keptEpoch + 1}. Kept the model of epoch ${keptEpoch}, the last complete one${accuracy}; ` +
      `the ${formatCount(droppedSamples)} samples trained since were never tested, so they are dropped.`
    );
  }
  if (keptEpoch > 0) return `Stopped after epoch ${keptEpoch}. Kept its model${accuracy}.`;
  const trained = progress?.samplesDone ?? 0;
  return trained > 0
    ? `Stopped in epoch 1 after ${formatCount(trained)} samples. Kept the weights as they were; no epoch completed, so they are not tested yet (Evaluate now tests them).`
    : 'Stopped before training began.';
}
