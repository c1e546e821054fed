/**
 * A dataset from a folder of images: one subfolder per class, PNG or JPEG of one size,
 * made greyscale and resized to `side`×`side`, then split into training and test images
 * by a seeded shuffle within each class (so a small class still gets test images).
 *
 * Decoding is passed in (the browser's decoder in the worker, a fake one in tests), and the
 * images are decoded one at a time straight into the final training and test arrays: the
 * pixels exist once, plus one decoded image.
 */
import { unzipSync } from 'fflate';
import { createRng, shuffle } from '../engine/rng.ts';
import { areaResample } from './preprocess.ts';
import { IdxError } from './idx.ts';
import { formatSize, MAX_CLASSES, MAX_PIXEL_BYTES, tooLargeProblem, type ImageSet } from './image-set.ts';

/** One file of the folder; `path` is relative, with `/` between folders ("cat/001.png"). */
export interface FolderFile {
  path: string;
  read(): Promise<Blob | Uint8Array>;
}

/** A decoded image: RGBA bytes, as ImageData holds them. */
export interface Rgba {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export type DecodeImage = (bytes: Blob | Uint8Array, path: string) => Promise<Rgba>;

export interface FolderOptions {
  name: string;
  /** Side of the square images the set is made of; 28 by default. */
  side?: number;
  /** Share of each class's images held out for testing, in (0, 1). */
  testFraction: number;
  seed: number;
}

const IMAGE = /\.(png|jpe?g)$/i;
const hidden = (part: string) => part.startsWith('.') || part === '__MACOSX';

/**
 * Files of a zip archive as folder files; directory entries are kept so an empty class folder is
 * noticed. Each file is unpacked into a buffer of the size its header gives, so those sizes are
 * added up before each one: a zip bomb is refused before its files are unpacked.
 */
export function zipFiles(bytes: Uint8Array, zipName: string): FolderFile[] {
  let entries: Record<string, Uint8Array>;
  let unpacked = 0;
  const withinCap = ({ originalSize }: { originalSize: number }) => {
    unpacked += originalSize;
    if (unpacked > MAX_PIXEL_BYTES) throw new IdxError(`${zipName}: too large for memory: its files unpack to more than the ${formatSize(MAX_PIXEL_BYTES)} a dataset may hold`);
    return true;
  };
  try {
    entries = unzipSync(bytes, { filter: withinCap });
  } catch (error) {
    if (error instanceof IdxError) throw error;
    throw new IdxError(`${zipName}: not a readable zip file (${(error as Error).message})`);
  }
  return Object.entries(entries).map(([path, data]) => ({ path, read: () => Promise.resolve(data) }));
}

interface Sample {
  file: FolderFile;
  label: number;
}

/** The class folders and their images; the common top folder (the one the user picked) is dropped. */
function classesOf(files: FolderFile[]): { classNames: string[]; samples: Sample[] } {
  const kept = files
    .map((file) => ({ file, parts: file.path.split('/').filter((part) => part !== '') }))
    .filter(({ parts }) => parts.length > 0 && !parts.some(hidden));
  const top = kept[0]?.parts[0];
  const commonTop = kept.length > 0 && kept.every(({ parts, file }) => parts[0] === top && (parts.length > 2 || file.path.endsWith('/')));
  const folders = new Map<string, FolderFile[]>();
  for (const { file, parts } of kept) {
    const inner = commonTop ? parts.slice(1) : parts;
    const isDirectory = file.path.endsWith('/');
    if (isDirectory) {
      if (inner.length > 0 && !folders.has(inner.join('/'))) folders.set(inner.join('/'), []);
      continue;
    }
    if (inner.length < 2) {
      if (IMAGE.test(file.path)) throw new IdxError(`${file.path}: an image outside any class folder; put each class's images in a subfolder named after the class`);
      continue;
    }
    const folder = inner.slice(0, -1).join('/');
    const images = folders.get(folder) ?? [];
    folders.set(folder, images);
    if (IMAGE.test(file.path)) images.push(file);
  }
  // A folder that only holds class folders is not a class itself.
  for (const folder of [...folders.keys()]) {
    const hasChildren = [...folders.keys()].some((other) => other.startsWith(`${folder}/`));
    if (hasChildren && (folders.get(folder) ?? []).length === 0) folders.delete(folder);
  }
  const classNames = [...folders.keys()].sort((a, b) => a.localeCompare(b));
  if (classNames.length === 0) throw new IdxError('the folder holds no class folders with PNG or JPEG images');
  for (const name of classNames) {
    if ((folders.get(name) ?? []).length === 0) throw new IdxError(`${name}/: empty class folder (no PNG or JPEG images)`);
  }
  if (classNames.length < 2) throw new IdxError(`${classNames[0]}/: the only class folder; a dataset needs at least 2 classes`);
  if (classNames.length > MAX_CLASSES) throw new IdxError(`${classNames.length} class folders, at most ${MAX_CLASSES} classes are supported`);
  const samples = classNames.flatMap((name, label) =>
    (folders.get(name) ?? []).sort((a, b) => a.path.localeCompare(b.path)).map((file) => ({ file, label })),
  );
  return { classNames, samples };
}

/** Luminance (ITU-R 601), composited on black so transparent pixels are background. */
function greyscale({ data, width, height }: Rgba): Float32Array {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    const r = data[4 * i];
    const g = data[4 * i + 1];
    const b = data[4 * i + 2];
    const a = data[4 * i + 3];
    grey[i] = ((0.299 * r + 0.587 * g + 0.114 * b) * a) / 255;
  }
  return grey;
}

/** Reads a folder dataset; every problem is an IdxError naming the file or folder. */
export async function readImageFolder(files: FolderFile[], decode: DecodeImage, options: FolderOptions): Promise<ImageSet> {
  const side = options.side ?? 28;
  if (!Number.isInteger(side) || side < 4 || side > 256) throw new IdxError(`image size ${side}: choose a whole number of pixels from 4 to 256`);
  if (!(options.testFraction > 0 && options.testFraction < 1)) {
    throw new IdxError(`test fraction ${options.testFraction}: choose a share between 0 and 1, like 0.2`);
  }
  const { classNames, samples } = classesOf(files);
  const pixels = side * side;
  const tooLarge = tooLargeProblem(samples.length * pixels, `${samples.length} images of ${side}×${side}`);
  if (tooLarge) throw new IdxError(`${options.name}: ${tooLarge}`);

  const rng = createRng(options.seed);
  const isTest = new Uint8Array(samples.length);
  let start = 0;
  for (let label = 0; label < classNames.length; label++) {
    let end = start;
    while (end < samples.length && samples[end].label === label) end++;
    const order = Uint32Array.from({ length: end - start }, (_, i) => start + i);
    shuffle(order, rng);
    const held = Math.round(order.length * options.testFraction);
    for (let i = 0; i < held; i++) isTest[order[i]] = 1;
    start = end;
  }
  const testCount = isTest.reduce((sum, v) => sum + v, 0);
  const trainCount = samples.length - testCount;
  if (testCount === 0 || trainCount === 0) {
    throw new IdxError(`${options.name}: ${samples.length} images split by ${options.testFraction} leave no ${testCount === 0 ? 'test' : 'training'} images; add images or change the fraction`);
  }

  const train = { images: new Uint8Array(trainCount * pixels), labels: new Uint8Array(trainCount), count: trainCount, inputSize: pixels };
  const test = { images: new Uint8Array(testCount * pixels), labels: new Uint8Array(testCount), count: testCount, inputSize: pixels };
  let first: { path: string; width: number; height: number } | null = null;
  let nextTrain = 0;
  let nextTest = 0;
  for (let i = 0; i < samples.length; i++) {
    const { file, label } = samples[i];
    let image: Rgba;
    try {
      image = await decode(await file.read(), file.path);
    } catch (error) {
      throw new IdxError(`${file.path}: cannot be decoded as a PNG or JPEG image (${(error as Error).message})`);
    }
    if (!first) first = { path: file.path, width: image.width, height: image.height };
    else if (image.width !== first.width || image.height !== first.height) {
      throw new IdxError(
        `${file.path}: ${image.width}×${image.height} pixels, but ${first.path} is ${first.width}×${first.height}; every image of a folder must be the same size`,
      );
    }
    const resized = areaResample(greyscale(image), image.width, image.height, side, side);
    const target = isTest[i] ? test : train;
    const slot = isTest[i] ? nextTest++ : nextTrain++;
    for (let p = 0; p < pixels; p++) target.images[slot * pixels + p] = Math.min(255, Math.round(resized[p]));
    target.labels[slot] = label;
  }
  return { name: options.name, height: side, width: side, classNames, train, test };
}
