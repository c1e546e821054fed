import { whyOneWorker } from '../../engine/worker-gain';
import { setBothCores } from '../../store/actions';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';

/**
 * The option to split each batch between two workers. It takes effect at the next Train;
 * the note says what the last run did, since the browser or the network may keep it to one.
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
  return (
    <div className="both-cores">
      <label>
        <input type="checkbox" checked={on} disabled={busy} onChange={(event) => setBothCores(event.target.checked)} /> Use both cores
      </label>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}
