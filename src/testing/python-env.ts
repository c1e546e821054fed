/**
 * The project's Python (.venv, made by scripts/setup-python.sh, which `npm test` runs first) for
 * the tests that check our exports with onnx, onnxruntime and torch. Its absence is an error
 * everywhere: a skipped export check would read as a passed one.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const PYTHON_SCRIPTS = resolve('scripts/python');

/** The venv's python; throws, saying how to make it, where it is missing or incomplete. */
export function projectPython(): string {
  const python = resolve('.venv/bin/python');
  const ready =
    existsSync(python) &&
    (() => {
      try {
        // find_spec, not import: importing torch alone costs seconds, and the checks import it anyway.
        const modules = ['torch', 'onnx', 'onnxruntime', 'safetensors', 'numpy'];
        execFileSync(python, ['-c', `import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in ${JSON.stringify(modules)}))`], { stdio: 'ignore' });
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

/**
 * One python (scripts/python/serve.py) that runs scripts of scripts/python one after another: a test
 * file pays for importing torch, onnx and onnxruntime once, not once per check. close() it in afterAll.
 */
export class PythonSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;
  private stderr = '';
  private last: Promise<unknown> = Promise.resolve();

  constructor(python: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(python, [join(PYTHON_SCRIPTS, 'serve.py')], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  /** Runs a script with these arguments, as runPythonScript does: its stdout; failures throw with its stderr. */
  run(script: string, args: string[]): Promise<string> {
    const result = this.last.then(async () => {
      this.child.stdin.write(`${JSON.stringify({ script, args })}\n`);
      const answer = await this.answers.next();
      if (answer.done) throw new Error(`${script}: the Python session ended: ${this.stderr}`);
      const { code, stdout, stderr } = JSON.parse(answer.value) as { code: number; stdout: string; stderr: string };
      if (code !== 0) throw new Error(`${script} failed: ${stderr || stdout || `exit code ${code}`}`);
      return stdout;
    });
    this.last = result.catch(() => {});
    return result;
  }

  /** Ends the session; nothing waits for Python's own teardown, which takes seconds with torch loaded. */
  close(): void {
    this.child.kill();
  }
}

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
