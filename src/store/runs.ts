/**
 * The runs history: every run's config, per-epoch metrics and last evaluation, kept so
 * runs can be compared and so a reload or a dead worker loses at most the epoch in progress.
 * Pure functions over the list; the actions that apply them live in runs-actions.ts.
 */
import type { Config, LayerStack } from '../engine/config';
import { kindOf } from '../engine/layer-kinds';
import { FIELDS, SCALAR_KEYS, type FieldSpec } from '../formats/config-fields';
import type { EpochReport, EvaluationReport, RunOutcome } from '../worker/api';

export type RunRecordStatus = 'running' | 'paused' | 'finished' | 'stopped' | 'diverged' | 'interrupted';

export interface RunEpoch {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Training seconds from the start of the run to the end of this epoch (evaluation and pauses excluded). */
  elapsed: number;
}

export interface RunRecord {
  id: string;
  name: string;
  config: Config;
  /** Date.now() when the run started. */
  startedAt: number;
  status: RunRecordStatus;
  /** Every completed epoch; a 200-epoch run holds 200 small rows. */
  epochs: RunEpoch[];
  /** The test-set evaluation after the last completed epoch: the final one once the run finished. */
  evaluation: EvaluationReport | null;
  /** Why the run is interrupted or diverged. */
  note: string | null;
  /** The dataset the run trained on, for a set other than MNIST (older records have none: MNIST). */
  dataset?: string;
}

/** Runs compare only with runs on the same dataset. */
export const runDataset = (run: Pick<RunRecord, 'dataset'>): string => run.dataset ?? 'MNIST';

export interface RunsState {
  runs: RunRecord[];
  /** The latest run started: the one the worker trains, has paused, or last trained; null before any. */
  currentRunId: string | null;
  /** Runs ticked for the overlay, in the order they were ticked. */
  selectedRunIds: string[];
}

export const initialRunsState = (): RunsState => ({ runs: [], currentRunId: null, selectedRunIds: [] });

/**
 * A short default name: the network and batch, which tell runs apart most often, then up to
 * two other settings that differ from the run before ("learning rate 0.01").
 */
export function defaultRunName(config: Config, index: number, previous?: Config): string {
  const batch = config.batchSize === 1 ? 'per-sample' : `batch ${config.batchSize}`;
  const changed = previous
    ? settingsTable([previous, config])
        .filter((row) => row.differs && row.key !== 'network' && row.key !== 'batchSize')
        .slice(0, 2)
        .map((row) => `${row.label.toLowerCase()} ${row.values[1]}`)
    : [];
  return [`Run ${index}`, layersName(config), batch, ...changed].join(' · ');
}

/** "784-200-10", or for typed layers "conv8-pool2-conv16-pool3-10" (a flatten says nothing). */
function layersName(config: Config): string {
  if (!config.stack) return config.layers.join('-');
  return config.stack.layers
    .map((layer) => kindOf(layer.type).short(layer))
    .filter((name) => name !== '')
    .join('-');
}

export function newRunRecord(id: string, config: Config, index: number, startedAt: number, previous?: Config, dataset = 'MNIST'): RunRecord {
  const name = defaultRunName(config, index, previous);
  const run: RunRecord = { id, name, config, startedAt, status: 'running', epochs: [], evaluation: null, note: null };
  // "Run 3 · Fashion-MNIST · 784-64-10 · batch 32": another set's runs say which.
  return dataset === 'MNIST' ? run : { ...run, dataset, name: name.replace(/^(Run \d+)/, `$1 · ${dataset}`) };
}

export function withEpoch(run: RunRecord, report: EpochReport): RunRecord {
  const before = run.epochs[run.epochs.length - 1]?.elapsed ?? 0;
  const epoch: RunEpoch = {
    epoch: report.epoch,
    loss: report.loss,
    trainAccuracy: report.trainAccuracy,
    testAccuracy: report.test.accuracy,
    elapsed: before + report.seconds,
  };
  return { ...run, epochs: [...run.epochs, epoch], evaluation: report.test };
}

export function withOutcome(run: RunRecord, outcome: RunOutcome): RunRecord {
  if (outcome.status === 'diverged') return { ...run, status: 'diverged', note: outcome.message };
  if (outcome.status === 'stopped' && outcome.droppedSamples > 0) {
    return { ...run, status: 'stopped', note: `Stopped during epoch ${outcome.keptEpoch + 1}; keeps the model of epoch ${outcome.keptEpoch}.` };
  }
  return { ...run, status: outcome.status };
}

/** A run the page ended without the worker's word: a reset, or a new run replacing a paused one. */
export function dropped(run: RunRecord): RunRecord {
  return run.status === 'running' || run.status === 'paused' ? { ...run, status: 'stopped' } : run;
}

/** A run whose training ended without an outcome: the page was reloaded or the worker died. */
export function interrupted(run: RunRecord, note: string): RunRecord {
  return run.status === 'running' || run.status === 'paused' ? { ...run, status: 'interrupted', note } : run;
}

/** The epoch a kept run model belongs to, stored with it in one write: its row and its test evaluation. */
export interface KeptEpoch {
  row: RunEpoch;
  evaluation: EvaluationReport | null;
}

/**
 * A run's record made to agree with the model kept for it. The record and the model are
 * written to different databases, so a page closed between the two writes leaves one an epoch
 * ahead of the other; the model is what "Use model" brings back, so the record follows it.
 * `kept` is undefined when the model was kept without its epoch (by an older page): nothing to follow.
 */
export function followKeptModel(run: RunRecord, kept: KeptEpoch | null | undefined): RunRecord {
  if (kept === undefined) return run;
  if (kept === null) return run.epochs.length === 0 ? run : { ...run, epochs: [], evaluation: null };
  const last = run.epochs.at(-1);
  if (last?.epoch === kept.row.epoch) return run;
  const epochs = [...run.epochs.filter((epoch) => epoch.epoch < kept.row.epoch), kept.row];
  return { ...run, epochs, evaluation: kept.evaluation };
}

/** Applies `change` to the run with this id, leaving the list untouched when there is none. */
export function updateRun(runs: RunRecord[], id: string | null, change: (run: RunRecord) => RunRecord): RunRecord[] {
  return runs.map((run) => (run.id === id ? change(run) : run));
}

export interface Hyperparameter {
  /** The Config key, or 'network' / 'augment' for the rows that sum up several. */
  key: string;
  /** What the form calls it. */
  label: string;
  values: string[];
  /** True when the selected runs do not all share this value. */
  differs: boolean;
}

/**
 * The configs of `runs` side by side in the form's words: the network, its activations, every
 * scalar field of the field table, and the augmentation.
 */
export function hyperparameterTable(runs: readonly RunRecord[]): Hyperparameter[] {
  return settingsTable(runs.map((run) => run.config));
}

function settingsTable(configs: readonly Config[]): Hyperparameter[] {
  const row = (key: string, label: string, value: (config: Config) => string): Hyperparameter => {
    const values = configs.map(value);
    return { key, label, values, differs: new Set(values).size > 1 };
  };
  return [
    row('network', 'Network', layersName),
    row('activations', 'Activations', (config) => (config.stack ? stackActivations(config.stack) : config.activations).join(' / ')),
    ...SCALAR_KEYS.map((key) => {
      const field: FieldSpec<typeof key> = FIELDS[key];
      return row(key, field.label, (config) => {
        const value = config[key];
        return field.kind === 'choice' && field.choiceLabels ? field.choiceLabels[value as keyof typeof field.choiceLabels] : formatCount(Number(value));
      });
    }),
    row('augment', 'Augmentation', ({ augment }) => (augment ? `shift ${augment.shift} px, rotate ${augment.rotate}°` : 'off')),
  ];
}

function stackActivations(stack: LayerStack): string[] {
  return stack.layers.flatMap((layer) => ('activation' in layer ? [layer.activation] : []));
}

/** Numbers as the form shows them: 60000 → "60,000", 0.003 stays. */
function formatCount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 10 });
}
