/**
 * The project's Python (.venv, made by scripts/setup-python.sh, which `npm test` runs first) for
 * the tests that check our exports with onnx, onnxruntime and torch. Its absence is an error
 * everywhere: a skipped export check would read as a passed one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PYTHON_SCRIPTS = resolve('scripts/python');

/** The venv's python; throws, saying how to make it, where it is missing or incomplete. */
export function projectPython(): string {
  const python = resolve('.venv/bin/python');
  const ready =
    existsSync(python) &&
    (() => {
      try {
        execFileSync(python, ['-c', 'import torch, onnx, onnxruntime, safetensors, numpy'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
  if (ready) return python;
  throw new Error('The Python environment .venv (torch, onnx, onnxruntime, safetensors, numpy) is missing or incomplete: npm test makes it, or run bash scripts/setup-python.sh');
}

/** Runs a script of scripts/python with the venv's python; its stdout. Failures throw with its stderr. */
export function runPythonScript(python: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(python, [join(PYTHON_SCRIPTS, script), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${script} failed: ${stderr || stdout || String(error)}`, { cause: error });
  }
}

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
