/** What each layer of a network gives and learns, as the layers editor shows beside each row. */
import type { LayerStack } from '../../engine/config';
import { formatShape, type Shape } from '../../engine/layer';
import { kindOf } from '../../engine/layer-kinds';

export interface StackRow {
  /** "14×14×8", or "10" for a vector. */
  output: string;
  parameters: number;
}

/** The input's row first, then one per layer. */
export function stackRows(stack: LayerStack): StackRow[] {
  const rows: StackRow[] = [{ output: formatShape(stack.input), parameters: 0 }];
  let shape: Shape = stack.input;
  for (const layer of stack.layers) {
    const kind = kindOf(layer.type);
    const output = kind.outputShape(shape, layer);
    const count = kind.parameters(shape, layer);
    rows.push({ output: formatShape(output), parameters: count ? count.weights + count.biases : 0 });
    shape = output;
  }
  return rows;
}
