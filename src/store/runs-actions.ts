/** Changes to the runs history; the bridge calls these as a run starts, ends each epoch and ends. */
import type { Config } from '../engine/config';
import type { EpochReport, RunOutcome } from '../worker/api';
import { dropped, interrupted, newRunRecord, runDataset, updateRun, withEpoch, withOutcome, type RunRecord } from './runs';
import { useAppStore } from './store';

const set = useAppStore.setState;
let counter = 0;

/** Adds a run to the history and makes it the current one; returns its id. */
export function runRecordStarted(config: Config, now = Date.now()): string {
  const id = `run-${now.toString(36)}-${(counter++).toString(36)}`;
  set((state) => {
    // A paused run that a new one replaces ends as stopped: its worker has dropped it.
    const runs = updateRun(state.runs, state.currentRunId, (run) => (run.status === 'paused' ? dropped(run) : run));
    return { runs: [...runs, newRunRecord(id, config, runs.length + 1, now, runs.at(-1)?.config, state.dataset.name)], currentRunId: id };
  });
  return id;
}

/**
 * Keyed by run: a run's last epoch event can arrive after its end (events and answers come
 * through different message ports), even after the next run started.
 */
export function runRecordEpoch(id: string, report: EpochReport): void {
  set((state) => ({ runs: updateRun(state.runs, id, (run) => withEpoch(run, report)) }));
}

export function runRecordEnded(outcome: RunOutcome): void {
  set((state) => ({ runs: updateRun(state.runs, state.currentRunId, (run) => withOutcome(run, outcome)) }));
}

/** The page forgot the current run (a reset): it ends as stopped if it had not ended. */
export function runRecordDropped(): void {
  set((state) => ({ runs: updateRun(state.runs, state.currentRunId, dropped) }));
}

/** The current run cannot go on: its worker died, or training failed. */
export function runRecordInterrupted(note: string): void {
  set((state) => ({ runs: updateRun(state.runs, state.currentRunId, (run) => interrupted(run, note)) }));
}

/**
 * Runs read back from storage at page load. Runs started before storage answered stay,
 * after the stored ones.
 */
export function runsLoaded(stored: RunRecord[]): void {
  set((state) => {
    const known = new Set(state.runs.map((run) => run.id));
    return { runs: [...stored.filter((run) => !known.has(run.id)), ...state.runs] };
  });
}

export function renameRun(id: string, name: string): void {
  set((state) => ({ runs: updateRun(state.runs, id, (run) => ({ ...run, name })) }));
}

export function deleteRun(id: string): void {
  set((state) => ({
    runs: state.runs.filter((run) => run.id !== id),
    selectedRunIds: state.selectedRunIds.filter((selected) => selected !== id),
  }));
}

/** Ticks or unticks a run; a run on another dataset than those ticked replaces them, so only like is compared with like. */
export function toggleRunSelected(id: string): void {
  set((state) => {
    if (state.selectedRunIds.includes(id)) return { selectedRunIds: state.selectedRunIds.filter((selected) => selected !== id) };
    const dataset = (runId: string) => {
      const run = state.runs.find((r) => r.id === runId);
      return run ? runDataset(run) : null;
    };
    const same = state.selectedRunIds.filter((selected) => dataset(selected) === dataset(id));
    return { selectedRunIds: [...same, id] };
  });
}

export function selectRuns(ids: string[]): void {
  set({ selectedRunIds: ids });
}
