/**
 * The export formats, as files: one list used by the CLI (written to disk) and the UI
 * (downloaded, several files zipped).
 */
import type { ExportModel } from './export-model.ts';
import { exportOnnx } from './onnx.ts';
import { exportPytorch } from './pytorch.ts';
import { exportTfjs } from './tfjs.ts';

import type { ExportFormat } from './format-names.ts';

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
