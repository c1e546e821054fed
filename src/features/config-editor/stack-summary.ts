/** What each layer of a network gives and learns, as the layers editor shows beside each row. */
import type { LayerStack } from '../../engine/config';
import { formatShape, shapeSize, type Shape } from '../../engine/layer';
import { outputShapeAfter } from '../../engine/network';

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
    const output = outputShapeAfter(shape, layer);
    const parameters =
      layer.type === 'conv2d'
        ? layer.filters * (layer.kernelSize * layer.kernelSize * shape[2] + 1)
        : layer.type === 'dense'
          ? layer.units * (shapeSize(shape) + 1)
          : 0;
    rows.push({ output: formatShape(output), parameters });
    shape = output;
  }
  return rows;
}
