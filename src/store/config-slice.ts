/**
 * The config being edited. `config` is always the last valid one (what Train uses);
 * `configText` is what the JSON editor shows, which may be an invalid edit in progress.
 */
import type { Config } from '../engine/config';
import { checkConfig, parseConfig, serializeConfig } from '../formats/config-format';

export interface ConfigState {
  config: Config;
  configText: string;
  /** Why the last edit was refused, naming the field; null while text and config agree. */
  configError: string | null;
  /** Where the refused edit came from, so the message shows next to it. */
  configErrorSource: 'json' | 'form' | 'file' | null;
}

export function configStateFor(config: Config): ConfigState {
  return { config, configText: serializeConfig(config), configError: null, configErrorSource: null };
}

/** A JSON edit: accepted when it parses into a valid config, otherwise kept as text with the reason. */
export function withConfigText(state: ConfigState, text: string): ConfigState {
  try {
    return { config: parseConfig(text), configText: text, configError: null, configErrorSource: null };
  } catch (error) {
    return { config: state.config, configText: text, configError: errorMessage(error), configErrorSource: 'json' };
  }
}

/**
 * A form edit. It goes through the same parser as the JSON so the form cannot produce a
 * config the JSON editor would refuse; a refused edit leaves the config as it was.
 */
export function withConfigPatch(state: ConfigState, patch: Partial<Config>): ConfigState {
  try {
    return configStateFor(checkConfig({ ...state.config, ...patch }));
  } catch (error) {
    return { ...configStateFor(state.config), configError: errorMessage(error), configErrorSource: 'form' };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
