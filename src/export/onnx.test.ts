import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { exportOnnx } from './onnx.ts';
import { projectPython, PythonSession, temporaryFolder } from '../testing/python-env.ts';
import { AGREEMENT_CASES, type Agreement, mnistTest, outputsOn, writeOutputs } from '../testing/export-models.ts';

const python = projectPython();

describe('ONNX export, checked by onnx.checker and onnxruntime on the 10,000 test images', () => {
  const checks = new PythonSession(python);
  afterAll(() => checks.close());

  it.each(AGREEMENT_CASES)('$name predicts as the playground does', async ({ name, model: build, trained }) => {
    const model = build();
    const folder = temporaryFolder('onnx-export-');
    const onnxPath = join(folder, 'model.onnx');
    writeFileSync(onnxPath, exportOnnx(model));
    const ours = writeOutputs(folder, outputsOn(model.network, mnistTest()));

    const verdict = JSON.parse(await checks.run('check_predictions.py', ['--mnist', mnistDataDir(), '--ours', ours, '--onnx', onnxPath])) as Agreement;
    console.log(`ONNX ${name}: ${JSON.stringify(verdict)}`);
    expect(verdict.images).toBe(10_000);
    expect(verdict.sameClass / verdict.images).toBeGreaterThanOrEqual(0.999);
    expect(verdict.maxDifference).toBeLessThanOrEqual(1e-4);
    // A model that learned something: an export of noise could agree trivially.
    if (trained) expect(verdict.accuracy).toBeGreaterThan(0.8);
  });
});
