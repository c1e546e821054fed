/** The export formats and their names in menus (no exporter code, so menus load it cheaply). */
export const EXPORT_FORMATS = ['onnx', 'pytorch', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  onnx: 'ONNX (.onnx)',
  pytorch: 'PyTorch (model.py, train.py, .safetensors)',
  tfjs: 'TensorFlow.js Layers (model.json + weights)',
};
