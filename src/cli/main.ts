/**
 * The Node CLI, run with tsx: `npm run train -- --config FILE`, `npm run evaluate -- --model FILE`,
 * `npm run export -- --model FILE --format F --out PATH`
 * (`npm run bench` is the separate harness in src/bench/). Problems with the input end the
 * program with one line on stderr and a non-zero exit code: 2 for a mistake in the command
 * line, 1 for anything else.
 */
import { DivergenceError } from '../engine/train.ts';
import { IdxError } from '../data/idx.ts';
import { InputError, USAGE, UsageError } from './args.ts';
import { evaluateModel, train } from './commands.ts';
import { errorText } from '../formats/error-text.ts';
import { exportModel } from './export.ts';

const COMMANDS = { train, evaluate: evaluateModel, export: exportModel };

async function run(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  await COMMANDS[name as keyof typeof COMMANDS](args, (line) => process.stdout.write(`${line}\n`));
}

/** Our own errors carry a message meant for the user; anything else is a bug, still reported in one line. */
function report(error: unknown): number {
  const known = error instanceof UsageError || error instanceof InputError || error instanceof IdxError || error instanceof DivergenceError;
  const message = errorText(error);
  process.stderr.write(`error: ${known ? '' : 'internal error: '}${message.replaceAll('\n', ' ')}\n`);
  return error instanceof UsageError ? 2 : 1;
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.exitCode = report(error);
});
