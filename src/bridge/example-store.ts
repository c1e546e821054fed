/**
 * The examples a user draws and labels on the pad, kept in this browser per dataset (see
 * data/drawn-examples.ts): added, removed, and read again whenever the active dataset changes.
 */
import { readExamples, removeExample as forget, saveExample } from '../data/dataset-store';
import { toPixelBytes, type DrawnExample, type DrawnPoint } from '../data/drawn-examples';
import { exampleAdded, exampleRemoved, examplesLoaded } from '../store/actions';
import { useAppStore } from '../store/store';
import { atDatasetSize } from './training-bridge';

/** Examples added in one millisecond still keep their order, which decides which are held out. */
let lastAddedAt = 0;

/**
 * Keeps the drawing `image` (the pad's 28×28 input in [0, 1]) drawn with `strokes` as an
 * example of class `label` of the active dataset, at the dataset's size as the network reads it.
 */
export async function addExample(image: Float32Array, strokes: readonly (readonly DrawnPoint[])[], label: number): Promise<void> {
  const { dataset } = useAppStore.getState();
  lastAddedAt = Math.max(Date.now(), lastAddedAt + 1);
  const example: DrawnExample = {
    id: crypto.randomUUID(),
    datasetId: dataset.id,
    label,
    height: dataset.height,
    width: dataset.width,
    pixels: toPixelBytes(atDatasetSize(image)),
    strokes: strokes.map((stroke) => stroke.map(({ x, y }) => ({ x, y }))),
    addedAt: lastAddedAt,
  };
  await saveExample(example);
  exampleAdded(example);
}

export async function removeExample(id: string): Promise<void> {
  await forget(id);
  exampleRemoved(id);
}

/** Reads the active dataset's examples now and each time the active dataset changes. */
export function watchExamples(onError: (error: unknown) => void): void {
  const load = async () => {
    const { dataset } = useAppStore.getState();
    const { examples, problems } = await readExamples(dataset.id, { height: dataset.height, width: dataset.width, classes: dataset.classNames.length });
    // Another set became active while reading: its own reading is under way.
    if (useAppStore.getState().dataset.id !== dataset.id) return;
    const problem =
      problems.length === 0
        ? null
        : `${problems.length === 1 ? 'One stored example' : `${problems.length} stored examples`} could not be read and ${problems.length === 1 ? 'was' : 'were'} skipped (${problems.join('; ')}).`;
    examplesLoaded(examples, problem);
  };
  void load().catch(onError);
  useAppStore.subscribe((state, previous) => {
    if (state.dataset.id !== previous.dataset.id) void load().catch(onError);
  });
}
