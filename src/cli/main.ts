/**
 * The Node CLI, run with tsx: `npm run train -- --config FILE`, `npm run evaluate -- --model FILE`,
 * `npm run export -- --model FILE --format F --out PATH`
 * (`npm run bench` is the separate harness in src/bench/). Problems with the input end the
 * program with one line on stderr and a non-zero exit code: 2 for a mistake in the command
 * line, 1 for anything else.
 */
import { runCli } from './run.ts';

void runCli(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
).then((code) => {
  process.exitCode = code;
});
