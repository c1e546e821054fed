import type { ReactNode } from 'react';
import type { Config } from '../../engine/config';
import { FoldingFieldset } from '../../components/FoldingFieldset';
import { SelectField } from '../../components/SelectField';
import { estimateTrainingBytes } from '../../engine/network';
import { LAYER_FIELDS } from '../../formats/config-fields';
import { formatBytes, type LayerJson } from '../../formats/config-format';
import { editConfigField } from '../../store/actions';
import { useAppStore } from '../../store/store';
import { FormNumber } from './FormNumber';
import { ACTIVATION_HELP, SOFTMAX_NOTE } from './help';
import { editableLayers, layersPatch, rowFields, shapesBefore, stackOf, withType, type RowType } from './layer-edit';
import { DEFAULT_HIDDEN, HIDDEN_ACTIVATION_OPTIONS, layerTypeLabel, LAYER_TYPE_OPTIONS, OUTPUT_ACTIVATION_OPTIONS } from './options';
import { stackRows } from './stack-summary';

/**
 * The network's layers, one row each: its type, the fields of that type (from the layer field
 * table), what it gives ("14×14×8") and how many parameters it learns. Every edit is checked
 * like a file, and a refused one is shown at its field, naming the layer and field.
 */
export function LayersEditor({ config }: { config: Config }) {
  const layers = editableLayers(config);
  const before = shapesBefore(config);
  const rows = stackRows(stackOf(config));
  const last = layers.length - 1;
  const hidden = layers.slice(0, last);
  const output = layers[last];
  const total = rows.reduce((sum, row) => sum + row.parameters, 0);
  const bytes = estimateTrainingBytes(config.stack ?? config.layers, config.batchSize, config.optimizer);

  /** `field` names the edit as messages do ("layers[2].kernel_size"), so a refusal shows at that field. */
  const edit = (field: string, next: LayerJson[]) => editConfigField(field, layersPatch(config, next));
  const replace = (i: number, layer: LayerJson) => layers.map((old, j) => (j === i ? layer : old));
  const outputRow = rows[rows.length - 1];

  return (
    <FoldingFieldset
      legend="Layers"
      summary={`${rows.map((row) => row.output).join(' → ')} · ${total.toLocaleString('en-US')} parameters`}
    >
      <ol className="layers">
        <li className="layer layer-fixed">
          <span className="layer-name">Input</span>
          <span className="layer-size">{config.stack ? `${rows[0].output} image` : `${config.layers[0]} pixels`}</span>
        </li>
        {hidden.map((layer, i) => (
          <HiddenRow
            key={i}
            index={i + 1}
            layer={layer}
            shape={rows[i + 1]}
            onType={(type) => edit(`layers[${i + 1}].type`, replace(i, withType(layer, type, before[i])))}
            onField={(key, value) => edit(`layers[${i + 1}].${key}`, replace(i, { ...layer, [key]: value }))}
            onRemove={() => edit('layers', layers.filter((_, j) => j !== i))}
          />
        ))}
        {hidden.length > 0 && <FieldHelp layers={hidden} />}
        <li className="layer layer-fixed">
          <span className="layer-name">Output</span>
          <span className="layer-size">
            {String(output.units)} outputs, one per class
            <ShapeNote output={outputRow.output} parameters={outputRow.parameters} />
          </span>
          <LayerSelect
            field={`layers[${last + 1}].activation`}
            label="Output activation"
            value={output.activation as string}
            options={OUTPUT_ACTIVATION_OPTIONS}
            onChange={(value) => edit(`layers[${last + 1}].activation`, replace(last, { ...output, activation: value }))}
            hint={ACTIVATION_HELP[output.activation as keyof typeof ACTIVATION_HELP]}
          />
          {output.activation === 'Softmax' && (
            <details className="help-note">
              <summary>Why Softmax with cross-entropy?</summary>
              <p>{SOFTMAX_NOTE}</p>
            </details>
          )}
        </li>
      </ol>
      <LayersProblem />
      <p className="layers-total">
        {total.toLocaleString('en-US')} parameters; training takes about {formatBytes(bytes)} of memory at batch size {config.batchSize}.
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() => edit('layers', [...hidden, { type: 'dense', units: DEFAULT_HIDDEN.size, activation: DEFAULT_HIDDEN.activation }, output])}
      >
        Add hidden layer
      </button>
    </FoldingFieldset>
  );
}

function HiddenRow({
  index,
  layer,
  shape,
  onType,
  onField,
  onRemove,
}: {
  index: number;
  layer: LayerJson;
  shape: { output: string; parameters: number };
  onType: (type: RowType) => void;
  onField: (key: string, value: number | string) => void;
  onRemove: () => void;
}) {
  const type = layer.type as RowType;
  const fields = rowFields(type);
  return (
    <li className="layer" data-type={type}>
      <div className="layer-head">
        <span className="layer-name">Hidden {index}</span>
        <LayerSelect
          field={`layers[${index}].type`}
          label={<LayerLabel layer={index}>Type</LayerLabel>}
          value={type}
          options={LAYER_TYPE_OPTIONS}
          onChange={onType}
        />
        <button type="button" className="icon-button" aria-label={`Remove hidden layer ${index}`} title="Remove this layer" onClick={onRemove}>
          ×
        </button>
      </div>
      {fields.length > 0 && (
        <div className="layer-fields">
          {fields.map(([key, spec]) =>
            spec.kind === 'number' ? (
              <FormNumber
                key={key}
                spec={spec}
                field={`layers[${index}].${key}`}
                label={<LayerLabel layer={index}>{spec.label}</LayerLabel>}
                value={layer[key] as number}
                onCommit={(value) => onField(key, value)}
                hint=""
              />
            ) : (
              <LayerSelect
                key={key}
                field={`layers[${index}].${key}`}
                label={<LayerLabel layer={index}>{spec.label}</LayerLabel>}
                value={layer[key] as string}
                options={key === 'activation' ? HIDDEN_ACTIVATION_OPTIONS : spec.choices.map((value) => ({ value, label: spec.choiceLabels?.[value] ?? value }))}
                onChange={(value) => onField(key, value)}
              />
            ),
          )}
        </div>
      )}
      <ShapeNote output={shape.output} parameters={shape.parameters} />
    </li>
  );
}

/** "→ 14×14×8 · 208 parameters" */
function ShapeNote({ output, parameters }: { output: string; parameters: number }) {
  return (
    <span className="layer-shape">
      → {output} · {parameters.toLocaleString('en-US')} parameters
    </span>
  );
}

/** A choice of a layer, with its refused edit shown under it. */
function LayerSelect<T extends string>({
  field,
  ...props
}: {
  field: string;
  label: ReactNode;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  hint?: string;
}) {
  const error = useAppStore((state) => state.fieldErrors[field]);
  return <SelectField {...props} error={error} />;
}

/** A refused add or remove of a layer, which has no field of its own. */
function LayersProblem() {
  const error = useAppStore((state) => state.fieldErrors.layers);
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {error}
    </p>
  );
}

/**
 * What each field of the rows means, said once for all rows rather than under each (which
 * also keeps their fields in line); a field two types share but explain differently (a
 * stride) is named with its type.
 */
function FieldHelp({ layers }: { layers: LayerJson[] }) {
  const types = [...new Set(layers.map((layer) => layer.type as RowType))];
  const lines = types.flatMap((type) =>
    rowFields(type)
      .filter(([key]) => key !== 'activation')
      .map(([key, spec]) => {
        const shared = types.some((other) => other !== type && LAYER_FIELDS[other][key] && LAYER_FIELDS[other][key].hint !== spec.hint);
        return { id: `${type}.${key}`, text: `${spec.label}${shared ? ` (${layerTypeLabel(type).toLowerCase()})` : ''}: ${spec.hint}` };
      }),
  );
  const activations = [...new Set(layers.map((layer) => layer.activation).filter((a): a is keyof typeof ACTIVATION_HELP => typeof a === 'string'))];
  return (
    <li className="layers-help field-hint">
      {lines.map((line) => (
        <span key={line.id}>{line.text}</span>
      ))}
      {activations.map((activation) => (
        <span key={activation}>
          {activation}: {ACTIVATION_HELP[activation]}
        </span>
      ))}
    </li>
  );
}

/** "Units" on screen, "Hidden layer 2 units" for a screen reader that reads the field alone. */
function LayerLabel({ layer, children }: { layer: number; children: string }) {
  return (
    <>
      <span className="visually-hidden">Hidden layer {layer} </span>
      {children}
    </>
  );
}
