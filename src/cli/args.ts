/** Command-line flags, with messages in the words of the usage text. */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSize } from '../data/image-set.ts';
import { modelFileText } from '../export/onnx-import.ts';
import { MAX_MODEL_FILE_BYTES, ModelError, parseModel, type LoadedModel } from '../formats/model-format.ts';

export const USAGE = `usage:
  npm run train -- --config FILE [--data DIR] [--epochs N] [--samples N] [--batch-size N] [--seed N] [--workers 1|2] [--kernels fused|wasm|ts] [--out FILE]
  npm run evaluate -- --model FILE [--data DIR]
  npm run export -- --model FILE --format onnx|pytorch|tfjs --out PATH
  (--workers 2: each batch split between two threads, the same weights as "Use both cores" in the browser;
   a network whose batches are too small to gain from it trains in one thread, as the browser does;
   --kernels: the arithmetic, by default the fastest here (fused multiply-add where the CPU has it);
   a seed gives the same weights again on the same kernels, as the model file records them;
   --data DIR: a folder with the four IDX files of an MNIST-like set, .gz or raw, and optionally labels.txt;
   --model FILE: a model saved by the app or by train --out (.json), or an ONNX file (.onnx) of a network for MNIST)`;

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file that could not be read or written, or a problem with its content (exit code 1). */
export class InputError extends Error {
  override name = 'InputError';
}

type Flags = Record<string, { type: 'string' | 'boolean' }>;

interface NodeError extends Error {
  code?: string;
}

/**
 * Parses `args` against `flags`; unknown flags, missing values and stray words are UsageErrors.
 * A negative number after a flag (`--epochs -1`) is its value, for the checks to say what is allowed.
 */
export function parseFlags<F extends Flags>(command: string, args: string[], flags: F) {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].slice(2);
    const takesValue = args[i].startsWith('--') && Object.hasOwn(flags, name) && flags[name].type === 'string';
    if (takesValue && /^-\d/.test(args[i + 1] ?? '')) values.push(`${args[i]}=${args[++i]}`);
    else values.push(args[i]);
  }
  try {
    return parseArgs({ args: values, options: { ...flags, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as NodeError;
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    const known = Object.keys(flags).map((name) => `--${name}`).join(', ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${command}: unknown option ${quoted}; options: ${known}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${command}: ${quoted.split(' ')[0]} needs a value`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${command}: unexpected argument "${quoted}"`);
    throw error;
  }
}

/** A whole number given as --name N; undefined when absent. */
export function integerFlag(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a folder on the path is a file',
};

/** Why a file operation failed, in a few words. */
export function fileProblem(error: unknown): string {
  const { code, message } = error as NodeError;
  return (code && FILE_PROBLEMS[code]) ?? message;
}

/** A config file is a few hundred bytes; this is plenty. */
const MAX_TEXT_BYTES = 16 * 1024 ** 2;


/**
 * The bytes of the regular file at `path` (`what` names it in messages: "model file"), refused
 * without reading when it is a folder, a device or a pipe, and never read past `cap` bytes,
 * whatever its size claims (files in /proc say 0).
 */
export function readFileCapped(path: string, what: string, cap: number): Buffer {
  const problem = (text: string) => new InputError(`cannot read ${what} ${path}: ${text}`);
  const tooLarge = () => problem(`it is larger than ${formatSize(cap)}, the most a ${what} may hold`);
  let fd: number;
  try {
    // Non-blocking, so that opening a pipe does not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw problem(fileProblem(error));
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw problem(FILE_PROBLEMS.EISDIR);
    if (!stats.isFile()) throw problem('it is not a regular file');
    if (stats.size > cap) throw tooLarge();
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > cap) throw tooLarge();
        const grown = Buffer.allocUnsafe(Math.min(cap + 1, length * 2 + 64 * 1024));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > cap) throw tooLarge();
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw problem(fileProblem(error));
  } finally {
    closeSync(fd);
  }
}

export function readTextFile(path: string, what: string): string {
  return readFileCapped(path, what, MAX_TEXT_BYTES).toString('utf8');
}

/** A model file (ours, neural-net-rs's, or ONNX); a file that is not one is an InputError naming it. */
export function readModelFile(path: string): LoadedModel {
  const bytes = readFileCapped(path, 'model file', MAX_MODEL_FILE_BYTES);
  try {
    return parseModel(modelFileText(path, bytes));
  } catch (error) {
    if (error instanceof ModelError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Fails now, not after a long run, when `path` cannot be written: a missing folder, a folder in
 * its place, no permission. A file made for the check is removed again.
 */
export function checkWritable(path: string, what: string): void {
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK));
    if (!existed) unlinkSync(path);
  } catch (error) {
    throw new InputError(`cannot write ${what} to ${path}: ${fileProblem(error)}`);
  }
}
