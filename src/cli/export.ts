/** `npm run export -- --model FILE --format onnx|pytorch|tfjs --out PATH`: a saved model in another framework's files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../export/format-names.ts';
import { exportFiles } from '../export/formats.ts';
import { fileProblem, InputError, parseFlags, readModelFile, UsageError } from './args.ts';
import type { Print } from './commands.ts';

export function exportModel(args: string[], print: Print): void {
  const flags = parseFlags('export', args, { model: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } });
  if (!flags.model) throw new UsageError('export: --model FILE is required');
  if (!flags.out) throw new UsageError('export: --out PATH is required');
  const format = flags.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(flags.format ?? '')}`);
  }
  const model = readModelFile(flags.model);
  const files = exportFiles(model, format);
  // One file is written as PATH itself; several go into the folder PATH.
  const single = files.length === 1;
  try {
    if (!single) mkdirSync(flags.out, { recursive: true });
    for (const file of files) {
      const path = single ? flags.out : join(flags.out, file.name);
      writeFileSync(path, file.bytes);
      print(`Wrote ${path} (${file.bytes.length} bytes)`);
    }
  } catch (error) {
    throw new InputError(`cannot write the export to ${flags.out}: ${fileProblem(error)}`);
  }
}
