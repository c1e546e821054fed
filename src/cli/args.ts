/** Command-line flags, with messages in the words of the usage text. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ModelError, parseModel, type LoadedModel } from '../formats/model-format.ts';

export const USAGE = `usage:
  npm run train -- --config FILE [--data DIR] [--epochs N] [--samples N] [--batch-size N] [--seed N] [--out FILE]
  npm run evaluate -- --model FILE [--data DIR]
  npm run export -- --model FILE --format onnx|pytorch|tfjs --out PATH
  (--data DIR: a folder with the four IDX files of an MNIST-like set, .gz or raw, and optionally labels.txt)`;

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

/** Parses `args` against `flags`; unknown flags, missing values and stray words are UsageErrors. */
export function parseFlags<F extends Flags>(command: string, args: string[], flags: F) {
  try {
    return parseArgs({ args, options: { ...flags, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
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
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
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

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what} ${path}: ${fileProblem(error)}`);
  }
}

/** A model file (ours or neural-net-rs's); a file that is not one is an InputError naming it. */
export function readModelFile(path: string): LoadedModel {
  try {
    return parseModel(readTextFile(path, 'model file'));
  } catch (error) {
    if (error instanceof ModelError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
}
