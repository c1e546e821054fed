/**
 * PyTorch (CPU) as the native peer: scripts/python/bench_torch.py times the same cases
 * on the same MNIST files, at 1 and at 2 threads, in the project's .venv. Absent a
 * Python with torch, the bench goes on without it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../engine/config.ts';
import { modelPy } from '../export/pytorch.ts';
import { LEARNING_RATE, MOMENTUM, type TrainingCase } from './cases.ts';
import type { Plan, TrainingTiming } from './measure.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'python', 'bench_torch.py');
const DATA_DIR = join(ROOT, 'public', 'data');

export interface TorchRun {
  version: string;
  /** The BLAS torch was built with, from torch.__config__.show(). */
  blas: string;
  threads: number;
  results: TrainingTiming[];
}

/** The .venv's python when it can import torch, else the system's python3 when it can; else undefined. */
export function torchPython(): string | undefined {
  const candidates = [join(ROOT, '.venv', 'bin', 'python'), 'python3'];
  for (const python of candidates) {
    if (python.includes('/') && !existsSync(python)) continue;
    try {
      execFileSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
      return python;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/**
 * What bench_torch.py times: a dense case (SGD with the bench's rate and momentum), or a
 * preset's typed network as our PyTorch export's model.py writes it, with its optimizer.
 */
type TorchCase = Pick<TrainingCase, 'layers' | 'activations' | 'batchSize'> | { modelPy: string; batchSize: number; optimizer: string; learningRate: number; momentum: number; adamBeta1: number; adamBeta2: number };

export function denseTorchCase({ layers, activations, batchSize }: TrainingCase): TorchCase {
  return { layers, activations, batchSize };
}

export function stackTorchCase(config: Config): TorchCase {
  const { batchSize, optimizer, learningRate, momentum, adamBeta1, adamBeta2 } = config;
  return { modelPy: modelPy(config), batchSize, optimizer, learningRate, momentum, adamBeta1, adamBeta2 };
}

/** The parameters of each case's network as torch builds it: the check that it times the network we train. */
export function torchParameterCounts(python: string, cases: TorchCase[]): number[] {
  const output = execFileSync(python, [SCRIPT, '--data', DATA_DIR, '--threads', '1', '--lr', '0', '--momentum', '0', '--plan', '{}', '--parameters-only', '--cases', JSON.stringify(cases)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as number[];
}

/** Times every case at `threads` threads; throws with the script's message if it fails. */
export function timeTorch(python: string, cases: TorchCase[], threads: number, plan: Plan): TorchRun {
  const output = execFileSync(
    python,
    [
      SCRIPT,
      '--data', DATA_DIR,
      '--threads', String(threads),
      '--lr', String(LEARNING_RATE),
      '--momentum', String(MOMENTUM),
      '--plan', JSON.stringify(plan),
      '--cases', JSON.stringify(cases),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(output) as TorchRun;
}
