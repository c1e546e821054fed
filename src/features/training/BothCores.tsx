import { useId } from 'react';
import { whyOneWorker } from '../../engine/worker-gain';
import { setBothCores } from '../../store/actions';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';

/**
 * The option to split each batch between two workers. It takes effect at the next Train. The
 * note says what will happen or what the last run did, since the browser or the network may
 * keep it to one; it shows beside the box until Train is pressed (then the run's status says
 * how many workers trained, and the note would push the results below a laptop's screen) and
 * stays the box's tooltip and description.
 */
export function BothCores() {
  const on = useAppStore((state) => state.bothCores);
  const busy = useAppStore((state) => isBusy(state.status));
  const used = useAppStore((state) => state.workersUsed);
  const keepWhole = useAppStore((state) => whyOneWorker(state.config));
  const note = !on
    ? null
    : keepWhole
      ? `This network trains in one worker: ${keepWhole}.`
      : used === 2
        ? 'Each batch is split between two workers; a seed gives the same weights as in one.'
        : used === 1
          ? 'This page is not cross-origin isolated, so both halves of each batch ran in one worker (same weights, one core).'
          : 'Each batch will be split in two halves, in two workers where the page allows it.';
  const noteId = useId();
  // Hidden from the press of Train on, in the frame of the click: a page that moves later moves what the user reaches for.
  const shown = note !== null && used === null && !busy;
  return (
    <div className="both-cores">
      <label>
        <input
          type="checkbox"
          checked={on}
          disabled={busy}
          aria-describedby={shown ? noteId : undefined}
          title={note ?? undefined}
          onChange={(event) => setBothCores(event.target.checked)}
        />{' '}
        Use both cores
      </label>
      {shown && (
        <p className="hint" id={noteId}>
          {note}
        </p>
      )}
    </div>
  );
}
