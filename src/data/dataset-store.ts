/**
 * The datasets a user added, kept in this browser's IndexedDB and nowhere else: a small
 * description of each (listed without reading pixels) in one database, the pixels and labels
 * in another. Only the worker reads and writes them, so pixels never pass through the page.
 */
import { createStore, del, delMany, entries, get, set, values } from 'idb-keyval';
import { examplesImageSet, exampleProblem, type DrawnExample } from './drawn-examples.ts';
import type { ImageSet, SetShape } from './image-set.ts';

/** What the picker lists of a dataset; `id` is 'mnist' for the built-in set. */
export interface DatasetInfo {
  id: string;
  name: string;
  height: number;
  width: number;
  classNames: string[];
  trainCount: number;
  testCount: number;
  /** Pixel bytes of both splits: what the set holds in memory. */
  pixelBytes: number;
  /** Date.now() when it was added; 0 for MNIST. */
  addedAt: number;
  /** A set made of drawings on the pad: its images are its drawn examples, read afresh each time. */
  drawn?: boolean;
}

export const MNIST_ID = 'mnist';

export function infoOf(set: ImageSet, id: string, addedAt: number): DatasetInfo {
  return {
    id,
    name: set.name,
    height: set.height,
    width: set.width,
    classNames: set.classNames,
    trainCount: set.train.count,
    testCount: set.test.count,
    pixelBytes: set.train.images.length + set.test.images.length,
    addedAt,
  };
}

let infoDb: ReturnType<typeof createStore> | null = null;
let pixelDb: ReturnType<typeof createStore> | null = null;
const infos = () => (infoDb ??= createStore('mnist-playground-datasets', 'datasets'));
const pixels = () => (pixelDb ??= createStore('mnist-playground-dataset-pixels', 'sets'));
let exampleDb: ReturnType<typeof createStore> | null = null;
const drawn = () => (exampleDb ??= createStore('mnist-playground-drawn-examples', 'examples'));

/** Keeps a set; its pixels are written before its description, so a listed set always has them. */
export async function saveImageSet(imageSet: ImageSet, info: DatasetInfo): Promise<void> {
  await set(info.id, imageSet, pixels());
  await set(info.id, info, infos());
}

export async function listDatasets(): Promise<DatasetInfo[]> {
  return (await values<DatasetInfo>(infos())).sort((a, b) => a.addedAt - b.addedAt);
}

/**
 * A new set of `classNames`, 28×28 like the pad's input, with no images yet: they are the
 * examples drawn for it.
 */
export async function createDrawnDataset(id: string, name: string, classNames: string[], addedAt: number): Promise<DatasetInfo> {
  const info: DatasetInfo = { id, name, height: 28, width: 28, classNames, trainCount: 0, testCount: 0, pixelBytes: 0, addedAt, drawn: true };
  await set(id, info, infos());
  return info;
}

export async function loadImageSet(id: string): Promise<ImageSet> {
  const info = await get<DatasetInfo>(id, infos());
  if (info?.drawn) {
    const { examples } = await readExamples(id, { height: info.height, width: info.width, classes: info.classNames.length });
    return examplesImageSet(examples, info.name, info.height, info.width, info.classNames);
  }
  const found = await get<ImageSet>(id, pixels());
  if (!found) throw new Error('this dataset is no longer in this browser’s storage; add it again');
  return found;
}

/** Forgets a set with the examples drawn for it. */
export async function deleteDataset(id: string): Promise<void> {
  await del(id, infos());
  await del(id, pixels());
  await deleteExamplesOf(id);
}

export async function saveExample(example: DrawnExample): Promise<void> {
  await set(example.id, example, drawn());
}

export async function removeExample(id: string): Promise<void> {
  await del(id, drawn());
}

/**
 * The examples drawn for dataset `datasetId` of `shape`, oldest first. An entry that is not a
 * usable example for it (damaged, or not written by this page) is skipped, and named in `problems`.
 */
export async function readExamples(datasetId: string, shape: SetShape): Promise<{ examples: DrawnExample[]; problems: string[] }> {
  const examples: DrawnExample[] = [];
  const problems: string[] = [];
  for (const [key, value] of await entries(drawn())) {
    const owner = typeof value === 'object' && value !== null ? (value as { datasetId?: unknown }).datasetId : undefined;
    if (typeof owner === 'string' && owner !== datasetId) continue;
    const problem = exampleProblem(value, shape);
    if (problem) problems.push(`${String(key)}: ${problem}`);
    else examples.push(value as DrawnExample);
  }
  return { examples: examples.sort((a, b) => a.addedAt - b.addedAt), problems };
}

async function deleteExamplesOf(datasetId: string): Promise<void> {
  const owned = (await entries<IDBValidKey, { datasetId?: unknown } | null>(drawn())).filter(([, value]) => value?.datasetId === datasetId);
  await delMany(
    owned.map(([key]) => key),
    drawn(),
  );
}
