/** The rows of a typed network as the form lists them: what each layer is, what it gives, what it learns. */
import type { LayerStack } from '../../engine/config';
import { formatShape, shapeSize, type Shape } from '../../engine/layer';
import { outputShapeAfter } from '../../engine/network';

export interface StackRow {
  name: string;
  settings: string;
  /** "14×14×8", or "10" for a vector. */
  output: string;
  parameters: number;
}

export function stackRows(stack: LayerStack): StackRow[] {
  const rows: StackRow[] = [{ name: 'Input', settings: 'image', output: formatShape(stack.input), parameters: 0 }];
  let shape: Shape = stack.input;
  for (const layer of stack.layers) {
    const output = outputShapeAfter(shape, layer);
    switch (layer.type) {
      case 'conv2d': {
        const k = layer.kernelSize;
        const stride = layer.stride === 1 ? '' : `, stride ${layer.stride}`;
        rows.push({
          name: 'Convolution',
          settings: `${layer.filters} filters ${k}×${k}, ${layer.padding} padding${stride}, ${layer.activation}`,
          output: formatShape(output),
          parameters: layer.filters * (k * k * shape[2] + 1),
        });
        break;
      }
      case 'maxpool2d': {
        const p = layer.poolSize;
        const stride = layer.stride === p ? '' : `, stride ${layer.stride}`;
        rows.push({ name: 'Max pooling', settings: `${p}×${p}${stride}`, output: formatShape(output), parameters: 0 });
        break;
      }
      case 'flatten':
        rows.push({ name: 'Flatten', settings: 'map to vector', output: formatShape(output), parameters: 0 });
        break;
      case 'dense':
        rows.push({ name: 'Dense', settings: `${layer.units} units, ${layer.activation}`, output: formatShape(output), parameters: layer.units * (shapeSize(shape) + 1) });
        break;
    }
    shape = output;
  }
  return rows;
}
