/**
 * Examples a user drew on the pad and labelled, kept per dataset: the image as the pad fed it
 * to the network (at the dataset's size, as the bytes a dataset image is), and the strokes it
 * was drawn with, so it can be drawn again. Pure functions here; storage is the page's.
 */
import type { Dataset } from '../engine/dataset.ts';
import { MAX_CLASSES, type ImageSet, type SetShape } from './image-set.ts';

export interface DrawnPoint {
  x: number;
  y: number;
}

export interface DrawnExample {
  id: string;
  /** The dataset it was drawn for; its examples are deleted with it. */
  datasetId: string;
  label: number;
  height: number;
  width: number;
  /** height × width bytes, 0 background … 255 ink. */
  pixels: Uint8Array;
  /** The pad's strokes, in its 280×280 pixels. */
  strokes: DrawnPoint[][];
  /** Date.now() when it was added: the order examples are listed and split in. */
  addedAt: number;
}

/** Of each class's examples, in the order they were added, every HELD_OUT_EVERY-th is held out for testing. */
export const HELD_OUT_EVERY = 5;

/** The network's input for a drawing in [0, 1] as a dataset's bytes. */
export function toPixelBytes(image: Float32Array): Uint8Array {
  return Uint8Array.from(image, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

const isPoint = (p: unknown): p is DrawnPoint =>
  typeof p === 'object' && p !== null && Number.isFinite((p as DrawnPoint).x) && Number.isFinite((p as DrawnPoint).y);

/**
 * What is wrong with a value found in storage for the dataset of `shape`, or null when it is
 * a usable example. Storage may hold anything: another version's entries, or damaged ones.
 */
export function exampleProblem(value: unknown, shape: SetShape): string | null {
  if (typeof value !== 'object' || value === null) return 'not a drawn example';
  const e = value as Partial<Record<keyof DrawnExample, unknown>>;
  if (typeof e.id !== 'string' || typeof e.datasetId !== 'string') return 'not a drawn example (no id or dataset)';
  if (typeof e.label !== 'number' || !Number.isInteger(e.label) || e.label < 0 || e.label >= shape.classes) {
    return `label ${String(e.label)} is not one of the ${shape.classes} classes`;
  }
  if (e.height !== shape.height || e.width !== shape.width) {
    return `it is ${String(e.height)}×${String(e.width)}, the dataset's images are ${shape.height}×${shape.width}`;
  }
  if (!(e.pixels instanceof Uint8Array) || e.pixels.length !== shape.height * shape.width) return 'its pixels are missing or of the wrong size';
  if (!Array.isArray(e.strokes) || !e.strokes.every((stroke) => Array.isArray(stroke) && stroke.every(isPoint))) return 'its strokes are damaged';
  if (typeof e.addedAt !== 'number') return 'it has no date';
  return null;
}

/** How many examples each of `classes` classes has. */
export function classCounts(examples: readonly DrawnExample[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const example of examples) counts[example.label]++;
  return counts;
}

/**
 * Classes with far fewer examples than the best-filled one: under half as many, once that one
 * has at least 4. Classes with none are left out: on a set with its own images a user
 * teaches only the classes it misreads.
 */
export function scarceClasses(counts: readonly number[]): number[] {
  const most = Math.max(0, ...counts);
  if (most < 4) return [];
  return counts.flatMap((count, label) => (count > 0 && count < most / 2 ? [label] : []));
}

/** Training and held-out examples: per class, in the order added, every HELD_OUT_EVERY-th is held out. */
export function splitExamples(examples: readonly DrawnExample[]): { train: DrawnExample[]; heldOut: DrawnExample[] } {
  const sorted = [...examples].sort((a, b) => a.addedAt - b.addedAt);
  const seen = new Map<number, number>();
  const train: DrawnExample[] = [];
  const heldOut: DrawnExample[] = [];
  for (const example of sorted) {
    const n = (seen.get(example.label) ?? 0) + 1;
    seen.set(example.label, n);
    (n % HELD_OUT_EVERY === 0 ? heldOut : train).push(example);
  }
  return { train, heldOut };
}

/** Examples of one size as a dataset. */
export function examplesDataset(examples: readonly DrawnExample[], inputSize: number): Dataset {
  const images = new Uint8Array(examples.length * inputSize);
  examples.forEach((example, i) => images.set(example.pixels, i * inputSize));
  return { images, labels: Uint8Array.from(examples, (e) => e.label), count: examples.length, inputSize };
}

/** The examples as a set: the training ones as its training images, the held-out ones as its test images. */
export function examplesImageSet(examples: readonly DrawnExample[], name: string, height: number, width: number, classNames: string[]): ImageSet {
  const { train, heldOut } = splitExamples(examples);
  return {
    name,
    height,
    width,
    classNames,
    train: examplesDataset(train, height * width),
    test: examplesDataset(heldOut, height * width),
  };
}

/**
 * Drawings each class of a drawn set needs before it trains: one in HELD_OUT_EVERY is held
 * out, so this many gives every class 4 to learn from and 1 to test on.
 */
export const MIN_DRAWN_PER_CLASS = HELD_OUT_EVERY;

/** Why a drawn set cannot train yet, naming the classes short of drawings; null when it can. */
export function drawnSetProblem(counts: readonly number[], classNames: readonly string[]): string | null {
  const short = counts.flatMap((count, label) => (count < MIN_DRAWN_PER_CLASS ? [`${classNames[label]} has ${count}`] : []));
  if (short.length === 0) return null;
  return (
    `Each class needs at least ${MIN_DRAWN_PER_CLASS} drawings before training (${short.join(', ')}): ` +
    `one in ${HELD_OUT_EVERY} is held out to test on, so ${MIN_DRAWN_PER_CLASS} gives every class ${MIN_DRAWN_PER_CLASS - 1} to learn from and 1 to test.`
  );
}

/** Class names typed one per line or separated by commas; throws a message naming what is wrong. */
export function parseClassList(text: string): string[] {
  const names = text
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length < 2) throw new Error(`a dataset needs at least 2 classes, ${names.length === 0 ? 'none were' : `only ${names[0]} was`} given`);
  if (names.length > MAX_CLASSES) throw new Error(`${names.length} classes, at most ${MAX_CLASSES} are supported`);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new Error(`the class ${repeated} is named twice`);
  return names;
}
