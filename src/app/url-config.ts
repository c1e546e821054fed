/**
 * Keeps the config in the page's URL hash: a link with a config opens with it, and every
 * change to the config rewrites the hash (without a history entry), so the address bar
 * always holds a link to the current setup.
 */
import { ioShapeOf } from '../formats/config-format';
import { configFromHash, DATASET_KEY, readDatasetMarker } from '../formats/config-hash';
import { linkHash } from '../store/config-slice';
import { configRefused, linkDatasetRead, loadConfig } from '../store/actions';
import { useAppStore } from '../store/store';
import { errorText } from '../formats/error-text';

/**
 * A link made on a dataset kept in someone's browser names it and its shape
 * (`&dataset=Fashion-MNIST_28_28_10`) but cannot carry it: its config is read for that shape,
 * then fitted to the active dataset (MNIST when the link opens the page), and the page says so.
 * A marker whose shape no dataset can have is not read (the page says why) and the config is
 * read for MNIST.
 */
function readHash(): void {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const marker = readDatasetMarker(params.get(DATASET_KEY));
  params.delete(DATASET_KEY);
  linkDatasetRead(marker);
  try {
    const shape = marker?.shape;
    const io = marker && shape ? ioShapeOf({ name: marker.name, height: shape.height, width: shape.width, classNames: Array.from({ length: shape.classes }, String) }) : undefined;
    const config = configFromHash(params.toString(), io);
    if (config) loadConfig(config);
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
