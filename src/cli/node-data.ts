/** A dataset folder for the CLI: the four IDX files (`.gz` or raw) and an optional labels.txt or class-name JSON. */
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MAX_IDX_BYTES, readIdxSet, type NamedBytes } from '../data/idx-set.ts';
import type { ImageSet } from '../data/image-set.ts';
import { fileProblem, InputError, readFileCapped } from './args.ts';

const DATA_FILE = /(idx\d-ubyte|\.idx\d?)(\.gz)?$|^(labels|classes)\.(txt|json)$/i;

export function loadIdxDir(dir: string): ImageSet {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => DATA_FILE.test(name));
  } catch (error) {
    throw new InputError(`cannot read the data folder ${dir}: ${fileProblem(error)}`);
  }
  const files: NamedBytes[] = names.sort().map((name) => {
    const buffer = readFileCapped(join(dir, name), 'data file', MAX_IDX_BYTES);
    return { name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
  });
  return readIdxSet(files, basename(resolve(dir)));
}
