/**
 * The CLI as a function of its arguments, writing through the two functions it is given, so
 * that tests run it in their own process; main.ts runs it on the real process's arguments and streams.
 */
import { DivergenceError } from '../engine/train.ts';
import { IdxError } from '../data/idx.ts';
import { InputError, USAGE, UsageError } from './args.ts';
import { evaluateModel, train } from './commands.ts';
import { errorText } from '../formats/error-text.ts';
import { exportModel } from './export.ts';

const COMMANDS = { train, evaluate: evaluateModel, export: exportModel };

async function dispatch(argv: string[], out: (text: string) => void): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || args.includes('--help')) {
    out(`${USAGE}\n`);
    return;
  }
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  await COMMANDS[name as keyof typeof COMMANDS](args, (line) => out(`${line}\n`));
}

/** Our own errors carry a message meant for the user; anything else is a bug, still reported in one line. */
function report(error: unknown, err: (text: string) => void): number {
  const known = error instanceof UsageError || error instanceof InputError || error instanceof IdxError || error instanceof DivergenceError;
  const message = errorText(error);
  err(`error: ${known ? '' : 'internal error: '}${message.replaceAll('\n', ' ')}\n`);
  return error instanceof UsageError ? 2 : 1;
}

/** Runs one command line; the exit code: 0, 2 for a mistake in the command line, 1 for anything else. */
export async function runCli(argv: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  try {
    await dispatch(argv, out);
    return 0;
  } catch (error) {
    return report(error, err);
  }
}
