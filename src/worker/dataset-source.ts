/**
 * A dataset the user picked, read in the worker so the page stays responsive: the IDX files
 * of a set, or a folder (or zip) of class folders of images. The files cross from the page
 * as Blobs (no bytes are read there); images are decoded by the function passed in, the
 * browser's in the worker.
 */
import { readIdxSet, type NamedBytes } from '../data/idx-set.ts';
import { readImageFolder, zipFiles, type DecodeImage, type FolderFile } from '../data/image-folder.ts';
import type { ImageSet } from '../data/image-set.ts';
import { IdxError } from '../data/idx.ts';
import { datasetFitProblem } from '../formats/config-format.ts';

export interface NamedBlob {
  /** The file's name, or for a folder its path inside the picked folder ("shoes/001.png"). */
  name: string;
  blob: Blob;
}

export type DatasetSource =
  | { kind: 'idx'; name: string; files: NamedBlob[] }
  | {
      kind: 'images';
      name: string;
      /** A folder's files, or one zip file. */
      files: NamedBlob[];
      side: number;
      testFraction: number;
      seed: number;
    };

const isZip = (name: string) => /\.zip$/i.test(name);

/**
 * The set the user picked, refused (IdxError) when a file is bad or no network here could take
 * its images. `onProgress` is called during long work that does not yield (inflating a file).
 */
export async function readDatasetSource(source: DatasetSource, decode: DecodeImage, onProgress?: () => void): Promise<ImageSet> {
  const set = await readSource(source, decode, onProgress);
  const problem = datasetFitProblem(set);
  if (problem) throw new IdxError(problem);
  return set;
}

async function readSource(source: DatasetSource, decode: DecodeImage, onProgress?: () => void): Promise<ImageSet> {
  const name = source.name.trim();
  if (name === '') throw new IdxError('the dataset needs a name');
  if (source.files.length === 0) throw new IdxError(`${name}: no files were chosen`);
  if (source.kind === 'idx') {
    const files: NamedBytes[] = [];
    for (const file of source.files) files.push({ name: file.name, bytes: new Uint8Array(await file.blob.arrayBuffer()) });
    return readIdxSet(files, name, onProgress);
  }
  const options = { name, side: source.side, testFraction: source.testFraction, seed: source.seed };
  const zip = source.files.length === 1 && isZip(source.files[0].name) ? source.files[0] : null;
  const files: FolderFile[] = zip
    ? zipFiles(new Uint8Array(await zip.blob.arrayBuffer()), zip.name)
    : source.files.map(({ name: path, blob }) => ({ path, read: () => Promise.resolve(blob) }));
  return readImageFolder(files, decode, options);
}

/** The browser's decoder: PNG or JPEG bytes to RGBA, off the main thread (OffscreenCanvas works in a worker). */
export async function decodeInBrowser(bytes: Blob | Uint8Array): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const bitmap = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas in this browser');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
