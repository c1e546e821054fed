import { useId, type ReactNode } from 'react';
import { DEFAULT_AUGMENTATION, type Activation, type Config, type LayerStack } from '../../engine/config';
import { NumberField } from '../../components/NumberField';
import { SelectField } from '../../components/SelectField';
import { AUGMENT_FIELDS, AUGMENT_HINT, FIELDS, inputBounds, UNITS_FIELD, type ChoiceKey, type NumberKey, type NumberSpec } from '../../formats/config-fields';
import { configFieldReverted, editConfigField } from '../../store/actions';
import { useAppStore } from '../../store/store';
import { stackRows } from './stack-summary';
import { ACTIVATION_HELP, INIT_HELP, OPTIMIZER_HELP, SOFTMAX_NOTE } from './help';

/** A number field of the form, as its row of the field table describes it; its refused edits are shown under it. */
function FormNumber({
  spec,
  field,
  value,
  onCommit,
  disabled,
  label = spec.label,
  hint = spec.hint,
}: {
  spec: NumberSpec;
  /** The field's name in messages and in the store's field errors. */
  field: string;
  value: number;
  onCommit: (value: number) => void;
  disabled?: boolean;
  label?: ReactNode;
  hint?: string;
}) {
  const error = useAppStore((state) => state.fieldErrors[field]);
  return (
    <NumberField
      label={label}
      value={value}
      {...inputBounds(spec)}
      error={error}
      onCommit={onCommit}
      onRevert={() => configFieldReverted(field)}
      disabled={disabled}
      hint={hint}
    />
  );
}

/** A scalar number field of the config. */
function ConfigNumber({ name, disabled }: { name: NumberKey; disabled?: boolean }) {
  const value = useAppStore((state) => state.config[name]);
  const spec = FIELDS[name];
  return (
    <FormNumber
      spec={spec}
      field={spec.json}
      value={value}
      disabled={disabled}
      onCommit={(next) => editConfigField(spec.json, { [name]: next })}
    />
  );
}
import { DEFAULT_HIDDEN, HIDDEN_ACTIVATION_OPTIONS, INIT_OPTIONS, OPTIMIZER_OPTIONS, OUTPUT_ACTIVATION_OPTIONS } from './options';

/** A choice field of the config; its hint explains the chosen value. */
function ConfigChoice<K extends ChoiceKey>({
  name,
  options,
  help,
}: {
  name: K;
  options: { value: Config[K]; label: string }[];
  help: Record<Config[K], string>;
}) {
  const value = useAppStore((state) => state.config[name]);
  const spec = FIELDS[name];
  return (
    <SelectField label={spec.label} value={value} options={options} onChange={(next) => editConfigField(spec.json, { [name]: next })} hint={help[value]} wide />
  );
}

/** The config as a form; every change goes through the same validation as the JSON editor. */
export function ConfigForm() {
  const config = useAppStore((state) => state.config);
  return (
    <form className="config-form" onSubmit={(event) => event.preventDefault()} aria-label="Network and training settings">
      {config.stack ? <StackView stack={config.stack} /> : <LayersEditor config={config} />}
      <fieldset>
        <legend>Training</legend>
        <div className="field-grid">
          <ConfigChoice name="optimizer" options={OPTIMIZER_OPTIONS} help={OPTIMIZER_HELP} />
          <ConfigNumber name="learningRate" />
          <ConfigNumber name="momentum" disabled={config.optimizer !== 'momentum'} />
          <ConfigNumber name="batchSize" />
          <ConfigNumber name="epochs" />
          <ConfigNumber name="samples" />
          <ConfigNumber name="l2" />
          <ConfigNumber name="dropout" />
          <ConfigChoice name="init" options={INIT_OPTIONS} help={INIT_HELP} />
          <ConfigNumber name="seed" />
        </div>
      </fieldset>
      <OverfittingFields config={config} />
    </form>
  );
}

/** Validation split, early stopping and augmentation: the switches that show and fight overfitting. */
function OverfittingFields({ config }: { config: Config }) {
  const augmentId = useId();
  const augment = config.augment;
  return (
    <fieldset>
      <legend>Overfitting</legend>
      <div className="field-grid">
        <ConfigNumber name="validation" />
        <ConfigNumber name="patience" disabled={config.validation === 0} />
        <div className="field field-check">
          <label htmlFor={augmentId}>
            <input
              id={augmentId}
              type="checkbox"
              checked={augment !== null}
              aria-describedby={`${augmentId}-hint`}
              onChange={(event) => editConfigField('augment', { augment: event.target.checked ? { ...DEFAULT_AUGMENTATION } : null })}
            />
            Augment images
          </label>
          <small id={`${augmentId}-hint`} className="field-hint">
            {AUGMENT_HINT}
          </small>
        </div>
        {augment && (
          <>
            <FormNumber
              spec={AUGMENT_FIELDS.shift}
              field="augment.shift"
              value={augment.shift}
              onCommit={(shift) => editConfigField('augment.shift', { augment: { ...augment, shift } })}
            />
            <FormNumber
              spec={AUGMENT_FIELDS.rotate}
              field="augment.rotate"
              value={augment.rotate}
              onCommit={(rotate) => editConfigField('augment.rotate', { augment: { ...augment, rotate } })}
            />
          </>
        )}
      </div>
    </fieldset>
  );
}

function LayersEditor({ config }: { config: Config }) {
  const hidden = config.layers.slice(1, -1);
  const input = config.layers[0];
  const output = config.layers[config.layers.length - 1];
  const outputActivation = config.activations[config.activations.length - 1];

  const setHidden = (sizes: number[], activations: Activation[], field = 'layers') =>
    editConfigField(field, { layers: [input, ...sizes, output], activations: [...activations, outputActivation] });
  const hiddenActivations = config.activations.slice(0, -1);

  return (
    <fieldset>
      <legend>Layers</legend>
      <ol className="layers">
        <li className="layer layer-fixed">
          <span className="layer-name">Input</span>
          <span className="layer-size">{input} pixels</span>
        </li>
        {hidden.map((size, i) => (
          <li className="layer" key={i}>
            <span className="layer-name">
              Hidden {i + 1}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove hidden layer ${i + 1}`}
                title="Remove this layer"
                onClick={() =>
                  setHidden(
                    hidden.filter((_, j) => j !== i),
                    hiddenActivations.filter((_, j) => j !== i),
                  )
                }
              >
                ×
              </button>
            </span>
            <FormNumber
              spec={UNITS_FIELD}
              field={`layers[${i + 1}]`}
              label={<LayerLabel layer={i + 1}>Units</LayerLabel>}
              value={size}
              onCommit={(value) => setHidden(hidden.map((s, j) => (j === i ? value : s)), hiddenActivations, `layers[${i + 1}]`)}
              hint=""
            />
            <SelectField
              label={<LayerLabel layer={i + 1}>Activation</LayerLabel>}
              value={hiddenActivations[i]}
              options={HIDDEN_ACTIVATION_OPTIONS}
              onChange={(value) => setHidden(hidden, hiddenActivations.map((a, j) => (j === i ? value : a)))}
            />
          </li>
        ))}
        {hidden.length > 0 && (
          <li className="layers-help field-hint">
            {/* Said once for all hidden layers rather than under each, which also keeps their fields in line. */}
            <span>Units: {UNITS_FIELD.hint}</span>
            {[...new Set(hiddenActivations)].map((activation) => (
              <span key={activation}>
                {activation}: {ACTIVATION_HELP[activation]}
              </span>
            ))}
          </li>
        )}
        <li className="layer layer-fixed">
          <span className="layer-name">Output</span>
          <span className="layer-size">{output} digits</span>
          <SelectField
            label="Output activation"
            value={outputActivation}
            options={OUTPUT_ACTIVATION_OPTIONS}
            onChange={(value) => editConfigField(`layers[${config.layers.length - 1}]`, { activations: [...hiddenActivations, value] })}
            hint={ACTIVATION_HELP[outputActivation]}
          />
          {outputActivation === 'Softmax' && (
            <details className="help-note">
              <summary>Why Softmax with cross-entropy?</summary>
              <p>{SOFTMAX_NOTE}</p>
            </details>
          )}
        </li>
      </ol>
      <button
        type="button"
        className="secondary"
        onClick={() => setHidden([...hidden, DEFAULT_HIDDEN.size], [...hiddenActivations, DEFAULT_HIDDEN.activation])}
      >
        Add hidden layer
      </button>
    </fieldset>
  );
}

/**
 * A network with convolution or pooling layers: each layer with its output shape and what it
 * learns. The dense rows' editor would rewrite it as a dense network, so its layers are
 * edited in the JSON box for now; the training settings below still apply.
 */
function StackView({ stack }: { stack: LayerStack }) {
  const rows = stackRows(stack);
  const total = rows.reduce((sum, row) => sum + row.parameters, 0);
  return (
    <fieldset>
      <legend>Layers</legend>
      <table className="stack-table">
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Output</th>
            <th scope="col" className="numeric">
              Parameters
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <th scope="row">
                {row.name}
                <small className="field-hint">{row.settings}</small>
              </th>
              <td>{row.output}</td>
              <td className="numeric">{row.parameters.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td className="numeric">{total.toLocaleString('en-US')}</td>
          </tr>
        </tfoot>
      </table>
      <p className="field-hint">A convolutional network: change its layers in the Config JSON below.</p>
    </fieldset>
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
