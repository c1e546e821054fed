/**
 * The export formats, as files: one list used by the CLI (written to disk) and the UI
 * (downloaded, several files zipped).
 */
import { exportOnnx, type ExportModel } from './onnx.ts';
import { exportPytorch } from './pytorch.ts';
import { exportTfjs } from './tfjs.ts';

export const EXPORT_FORMATS = ['onnx', 'pytorch', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  onnx: 'ONNX (.onnx)',
  pytorch: 'PyTorch (model.py, train.py, .safetensors)',
  tfjs: 'TensorFlow.js Layers (model.json + weights)',
};

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

export function exportFiles(model: ExportModel, format: ExportFormat): ExportFile[] {
  switch (format) {
    case 'onnx':
      return [{ name: 'model.onnx', bytes: exportOnnx(model) }];
    case 'pytorch':
      return exportPytorch(model);
    case 'tfjs':
      return exportTfjs(model);
  }
}
