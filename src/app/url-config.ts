/**
 * Keeps the config in the page's URL hash: a link with a config opens with it, and every
 * change to the config rewrites the hash (without a history entry), so the address bar
 * always holds a link to the current setup.
 */
import { configFromHash, configToHash } from '../formats/config-hash';
import { configRefused, loadConfig } from '../store/actions';
import { useAppStore } from '../store/store';
import { errorText } from '../formats/error-text';

function readHash(): void {
  try {
    const config = configFromHash(window.location.hash);
    if (config) loadConfig(config);
  } catch (error) {
    configRefused(`The config in this link was not loaded: ${errorText(error)}`);
  }
}

function writeHash(): void {
  const hash = `#${configToHash(useAppStore.getState().config)}`;
  if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
}

export function syncConfigWithUrl(): void {
  readHash();
  writeHash();
  useAppStore.subscribe((state, previous) => {
    if (state.config !== previous.config) writeHash();
  });
  // A link pasted into this tab's address bar.
  window.addEventListener('hashchange', readHash);
}
