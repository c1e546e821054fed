/** Running an exported train.py (and torchrun) and our CLI as processes, for the tests of the PyTorch export's training. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliProcess, type Outcome } from './cli-run.ts';

/** torch on a shared machine: one thread per process, as torchrun sets it. */
export const torchEnv = { OMP_NUM_THREADS: '1', GLOO_SOCKET_IFNAME: 'lo' };

/** What train.py --report writes. */
export interface TrainReport {
  worldSize: number;
  testAccuracy: number;
  correct: number;
  replicaDigests: string[];
  localBatch: number;
  globalBatch: number;
  checkpoint: string;
}

export async function run(command: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env: { ...process.env, ...torchEnv }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as Outcome;
    return { code, stdout, stderr };
  }
}

/** The CLI as `npm run` runs it (tsx). */
export const cli = (args: string[]) => cliProcess(args, { env: torchEnv });

