/**
 * The config being edited. `config` is always the last valid one; `configText` is what the
 * JSON editor shows, which may be an invalid edit in progress. A refused form edit belongs
 * to its field: it is shown there and forgotten as soon as that field holds a valid value
 * again (a valid edit, or the field going back to the config's value when it loses focus).
 */
import type { Config } from '../engine/config';
import { checkConfig, parseConfig, serializeConfig } from '../formats/config-format';
import { errorText } from '../formats/error-text';

export interface ConfigState {
  config: Config;
  configText: string;
  /** Why the last JSON edit or file was refused, naming the field; null while text and config agree. */
  configError: string | null;
  /** Where that refused edit came from, so the message shows next to it. */
  configErrorSource: 'json' | 'file' | null;
  /** Refused form edits by field ("learning_rate", "layers[1]", "augment.shift"): what is wrong with each. */
  fieldErrors: Readonly<Record<string, string>>;
}

export function configStateFor(config: Config): ConfigState {
  return { config, configText: serializeConfig(config), configError: null, configErrorSource: null, fieldErrors: {} };
}

/** A JSON edit: accepted when it parses into a valid config, otherwise kept as text with the reason. */
export function withConfigText(state: ConfigState, text: string): ConfigState {
  try {
    return { config: parseConfig(text), configText: text, configError: null, configErrorSource: null, fieldErrors: {} };
  } catch (error) {
    return { config: state.config, configText: text, configError: errorText(error), configErrorSource: 'json', fieldErrors: state.fieldErrors };
  }
}

/**
 * A form edit of one field, checked field by field with the same rules and messages as a
 * file (no round trip through JSON text); a refused edit leaves the config as it was.
 */
export function withConfigPatch(state: ConfigState, field: string, patch: Partial<Config>): ConfigState {
  const others = withoutField(state.fieldErrors, field);
  try {
    return { ...configStateFor(checkConfig({ ...state.config, ...patch })), fieldErrors: others };
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
