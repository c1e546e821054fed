/**
 * The active dataset is remembered between visits: its id and name in localStorage (a few
 * bytes; the pixels stay in IndexedDB), made active again once the kept sets are listed.
 */
import { selectDataset } from '../bridge/training-bridge';
import { datasetNoted } from '../store/actions';
import { MNIST_DATASET } from '../store/config-slice';
import { isBusy } from '../store/state';
import { useAppStore } from '../store/store';

const KEY = 'mnist-playground-active-dataset';

interface Remembered {
  id: string;
  name: string;
}

function recall(): Remembered | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Remembered> | null;
    return typeof value?.id === 'string' && typeof value.name === 'string' ? { id: value.id, name: value.name } : null;
  } catch {
    // Storage turned off, or a value this page did not write: nothing is remembered.
    return null;
  }
}

function remember({ id, name }: Remembered): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ id, name }));
  } catch {
    // Storage turned off: the next visit opens with MNIST, as it always did.
  }
}

/**
 * Remembers every change of dataset from now on; returns what makes the last visit's dataset
 * active again, to call once the kept datasets are in the store. One deleted since (in another
 * tab, or with the browser's data) leaves MNIST, and a note says so.
 */
export function rememberActiveDataset(): () => Promise<void> {
  const last = recall();
  useAppStore.subscribe((state, previous) => {
    if (state.dataset !== previous.dataset) remember(state.dataset);
  });
  return async () => {
    const state = useAppStore.getState();
    // The user has already picked a set or started training on MNIST: that choice stands.
    if (!last || last.id === MNIST_DATASET.id || state.dataset.id !== MNIST_DATASET.id || isBusy(state.status)) return;
    if (!state.datasets.some((info) => info.id === last.id)) {
      remember(MNIST_DATASET);
      datasetNoted(`${last.name}, the dataset you used last time, is no longer kept in this browser, so MNIST is active.`);
      return;
    }
    await selectDataset(last.id);
  };
}
