/** The CLI for tests: as a process, as `npm run` runs it, or called in the test's own process. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../cli/run.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = join(import.meta.dirname, '../cli/main.ts');

/**
 * The CLI as `npm run` runs it (tsx), with stderr a pipe, so no progress bar. `timeout` ends a
 * CLI that would read forever (a device, a pipe) instead of leaving it running.
 */
export async function cliProcess(args: string[], options: { timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: options.timeout,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as Outcome;
    return { code, stdout, stderr };
  }
}

/**
 * The CLI called in this process, for what it prints and the exit code it gives: a process costs
 * a second or more of tsx start-up, most of what a check of a message costs. What crosses the
 * process boundary (the exit code, the streams) is checked with cliProcess.
 */
export async function cliHere(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, (text) => (stdout += text), (text) => (stderr += text));
  return { code, stdout, stderr };
}
