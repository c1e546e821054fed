/**
 * The config being edited. `config` is always the last valid one; `configText` is what the
 * JSON editor shows, which may be an invalid edit in progress. A refused form edit belongs
 * to its field: it is shown there and forgotten as soon as that field holds a valid value
 * again (a valid edit, or the field going back to the config's value when it loses focus).
 */
import type { Config } from '../engine/config';
import { checkConfig, ioShapeOf, MNIST_RECORD, parseConfig, serializeConfig, type DatasetRecord, type IoShape } from '../formats/config-format';
import { shareHash } from '../formats/config-hash';
import { errorText } from '../formats/error-text';

/** The dataset runs use: its id ('mnist' or one the user added) and what a network must fit. */
export interface ActiveDataset extends DatasetRecord {
  id: string;
  /** A set made of drawings on the pad (its examples are its images). */
  drawn?: boolean;
}

export const MNIST_DATASET: ActiveDataset = { id: 'mnist', ...MNIST_RECORD };

/** The hash of a link to this config on this dataset: what the address bar holds and "Copy link" copies. */
export function linkHash(config: Config, dataset: ActiveDataset): string {
  return shareHash(config, dataset.id === MNIST_DATASET.id ? null : dataset);
}

export interface ConfigState {
  /** The config's input and output sizes follow this set. */
  dataset: ActiveDataset;
  config: Config;
  configText: string;
  /** Why the last JSON edit or file was refused, naming the field; null while text and config agree. */
  configError: string | null;
  /** Where that refused edit came from, so the message shows next to it. */
  configErrorSource: 'json' | 'file' | null;
  /** Refused form edits by field ("learning_rate", "layers[1]", "augment.shift"): what is wrong with each. */
  fieldErrors: Readonly<Record<string, string>>;
}

export function configStateFor(config: Config): Omit<ConfigState, 'dataset'> {
  return { config, configText: serializeConfig(config), configError: null, configErrorSource: null, fieldErrors: {} };
}

const ioOf = (state: Pick<ConfigState, 'dataset'>): IoShape => ioShapeOf(state.dataset);

/**
 * `config` with its input and output sizes set to the data's: the input layer (or a typed
 * network's input shape) to the images' size, the output layer to one unit per class.
 * Throws a ConfigError when the network still does not fit (a kernel larger than the images).
 */
export function fitConfig(config: Config, io: IoShape): Config {
  const layers = [io.inputs, ...config.layers.slice(1, -1), io.classes];
  if (!config.stack) return checkConfig({ ...config, layers }, io);
  const typed = config.stack.layers.map((layer, i, all) =>
    i === all.length - 1 && layer.type === 'dense' ? { ...layer, units: io.classes } : layer,
  );
  return checkConfig({ ...config, layers, stack: { input: io.shape, layers: typed } }, io);
}

/** A JSON edit: accepted when it parses into a valid config, otherwise kept as text with the reason. */
export function withConfigText(state: ConfigState, text: string): Omit<ConfigState, 'dataset'> {
  try {
    return { config: parseConfig(text, ioOf(state)), configText: text, configError: null, configErrorSource: null, fieldErrors: {} };
  } catch (error) {
    return { config: state.config, configText: text, configError: errorText(error), configErrorSource: 'json', fieldErrors: state.fieldErrors };
  }
}

/**
 * A form edit of one field, checked field by field with the same rules and messages as a
 * file (no round trip through JSON text); a refused edit leaves the config as it was.
 */
export function withConfigPatch(state: ConfigState, field: string, patch: Partial<Config>): Omit<ConfigState, 'dataset'> {
  const others = withoutField(state.fieldErrors, field);
  try {
    return { ...configStateFor(checkConfig({ ...state.config, ...patch }, ioOf(state))), fieldErrors: others };
  } catch (error) {
    return { ...state, fieldErrors: { ...others, [field]: errorText(error) } };
  }
}

/**
 * Why the editor's config cannot train as shown: a refused form field or JSON edit is still on
 * screen, so Train would silently run the last valid config instead. Null when what is shown
 * is what trains (a refused file leaves the shown config as it was).
 */
export function configProblem(state: ConfigState): string | null {
  const fieldError = Object.values(state.fieldErrors)[0];
  if (fieldError !== undefined) return fieldError;
  return state.configErrorSource === 'json' ? `Config JSON: ${state.configError}` : null;
}

/** The field shows the config's value again: its refused edit is gone. */
export function withFieldReverted(state: ConfigState, field: string): Pick<ConfigState, 'fieldErrors'> {
  return { fieldErrors: withoutField(state.fieldErrors, field) };
}

function withoutField(errors: Readonly<Record<string, string>>, field: string): Record<string, string> {
  const rest = { ...errors };
  delete rest[field];
  return rest;
}
