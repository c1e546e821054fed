/**
 * The export formats, as files: one list used by the CLI (written to disk) and the UI
 * (downloaded, several files zipped).
 */
import type { Config } from '../engine/config.ts';
import type { LayerSpec } from '../engine/layer.ts';
import { denseModel } from './export-model.ts';
import { exportOnnx } from './onnx.ts';
import { exportPytorch } from './pytorch.ts';
import { exportTfjs } from './tfjs.ts';

import type { ExportFormat } from './format-names.ts';

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** Throws UnsupportedLayerError for a model with other than dense layers. */
export function exportFiles(saved: { config: Config; layers: LayerSpec[] }, format: ExportFormat): ExportFile[] {
  const model = denseModel(saved);
  switch (format) {
    case 'onnx':
      return [{ name: 'model.onnx', bytes: exportOnnx(model) }];
    case 'pytorch':
      return exportPytorch(model);
    case 'tfjs':
      return exportTfjs(model);
  }
}
