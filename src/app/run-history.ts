/**
 * Keeps the runs history in IndexedDB: reads it back once at page load, then writes each
 * run whenever it changes (at most once per epoch and at its end) and each epoch's model with
 * that epoch's row, so a reload between the two writes can be reconciled (run-storage.ts).
 */
import { saveRunModel } from '../bridge/model-store';
import { onCheckpoint } from '../bridge/training-bridge';
import { runsLoaded } from '../store/runs-actions';
import type { RunRecord } from '../store/runs';
import { useAppStore } from '../store/store';
import { loadRuns, removeRun, saveRun } from './run-storage';

/** Starts recording; resolves when the stored runs are in the store. `fail` hears what could not be kept or read. */
export async function startRunHistory(fail: (what: string) => (error: unknown) => void): Promise<void> {
  onCheckpoint(({ runId, epoch, modelText, evaluation }) => {
    // The bridge records an epoch before it announces that epoch's model, so the row is there.
    const row = useAppStore.getState().runs.find((run) => run.id === runId)?.epochs.find((kept) => kept.epoch === epoch);
    if (runId && row) saveRunModel(runId, modelText, { row, evaluation }).catch(fail('A run’s model could not be kept in this browser'));
  });
  useAppStore.subscribe((state, previous) => {
    if (state.runs === previous.runs) return;
    const before = new Map(previous.runs.map((run) => [run.id, run]));
    const now = new Set(state.runs.map((run) => run.id));
    for (const run of state.runs) {
      if (before.get(run.id) !== run) saveRun(run).catch(fail('A run could not be kept in this browser'));
    }
    for (const id of before.keys()) {
      if (!now.has(id)) removeRun(id).catch(fail('A run could not be deleted from this browser'));
    }
  });
  let stored: RunRecord[] = [];
  try {
    stored = await loadRuns();
  } catch (error) {
    fail('The runs kept in this browser could not be read')(error);
  }
  runsLoaded(stored);
}
