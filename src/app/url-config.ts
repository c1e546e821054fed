/**
 * Keeps the config in the page's URL hash: a link with a config opens with it, and every
 * change to the config rewrites the hash (without a history entry), so the address bar
 * always holds a link to the current setup.
 */
import { ioShapeOf } from '../formats/config-format';
import { configFromHash, DATASET_KEY } from '../formats/config-hash';
import { linkHash } from '../store/config-slice';
import { configRefused, datasetNoted, loadConfig } from '../store/actions';
import { useAppStore } from '../store/store';
import { errorText } from '../formats/error-text';

/**
 * A link made on a dataset kept in someone's browser names it and its shape
 * (`&dataset=Fashion-MNIST_28_28_10`) but cannot carry it: its config is read for that shape,
 * then fitted to the active dataset (MNIST when the link opens the page), and the page says so.
 */
function readHash(): void {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const local = params.get(DATASET_KEY);
  params.delete(DATASET_KEY);
  // The shape is the last three fields, so a name may hold underscores.
  const parts = (local ?? '').split('_');
  const [height, width, classes] = parts.splice(-3, 3);
  const name = parts.join('_');
  const shape = { height: Number(height), width: Number(width), classes: Number(classes) };
  const known = local !== null && [shape.height, shape.width, shape.classes].every((n) => Number.isInteger(n) && n > 0);
  const io = known ? ioShapeOf({ name, height: shape.height, width: shape.width, classNames: Array.from({ length: shape.classes }, String) }) : undefined;
  try {
    const config = configFromHash(params.toString(), io);
    if (config) loadConfig(config);
    if (local !== null) {
      const active = useAppStore.getState().dataset.name;
      datasetNoted(
        `This link was made on ${name || 'a dataset'}, a dataset kept in the browser it came from; links do not carry data, so it opens with ${active} and the network fitted to it.`,
      );
    }
  } catch (error) {
    configRefused(`The config in this link was not loaded: ${errorText(error)}`);
  }
}

function writeHash(): void {
  const { config, dataset } = useAppStore.getState();
  const hash = linkHash(config, dataset);
  if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
}

export function syncConfigWithUrl(): void {
  readHash();
  writeHash();
  useAppStore.subscribe((state, previous) => {
    if (state.config !== previous.config || state.dataset !== previous.dataset) writeHash();
  });
  // A link pasted into this tab's address bar.
  window.addEventListener('hashchange', readHash);
}
