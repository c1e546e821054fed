import { useId } from 'react';
import { DEFAULT_AUGMENTATION, type Activation, type Config } from '../../engine/config';
import { NumberField } from '../../components/NumberField';
import { SelectField } from '../../components/SelectField';
import { editConfig } from '../../store/actions';
import { useAppStore } from '../../store/store';
import { ACTIVATION_HELP, HINTS, INIT_HELP, OPTIMIZER_HELP, SOFTMAX_NOTE } from './help';
import { DEFAULT_HIDDEN, HIDDEN_ACTIVATION_OPTIONS, INIT_OPTIONS, OPTIMIZER_OPTIONS, OUTPUT_ACTIVATION_OPTIONS } from './options';

/** The config as a form; every change goes through the same validation as the JSON editor. */
export function ConfigForm() {
  const config = useAppStore((state) => state.config);
  return (
    <form className="config-form" onSubmit={(event) => event.preventDefault()} aria-label="Network and training settings">
      <LayersEditor config={config} />
      <fieldset>
        <legend>Training</legend>
        <div className="field-grid">
          <SelectField
            label="Optimizer"
            value={config.optimizer}
            options={OPTIMIZER_OPTIONS}
            onChange={(optimizer) => editConfig({ optimizer })}
            hint={OPTIMIZER_HELP[config.optimizer]}
          />
          <NumberField
            label="Learning rate"
            value={config.learningRate}
            min={0}
            onCommit={(learningRate) => editConfig({ learningRate })}
            hint={HINTS.learningRate}
          />
          <NumberField
            label="Momentum"
            value={config.momentum}
            min={0}
            max={1}
            onCommit={(momentum) => editConfig({ momentum })}
            disabled={config.optimizer !== 'momentum'}
            hint={HINTS.momentum}
          />
          <NumberField
            label="Batch size"
            value={config.batchSize}
            min={1}
            integer
            onCommit={(batchSize) => editConfig({ batchSize })}
            hint={HINTS.batchSize}
          />
          <NumberField
            label="Epochs"
            value={config.epochs}
            min={1}
            integer
            onCommit={(epochs) => editConfig({ epochs })}
            hint={HINTS.epochs}
          />
          <NumberField
            label="Training samples"
            value={config.samples}
            min={1}
            max={60000}
            integer
            onCommit={(samples) => editConfig({ samples })}
            hint={HINTS.samples}
          />
          <NumberField
            label="L2 weight decay"
            value={config.l2}
            min={0}
            onCommit={(l2) => editConfig({ l2 })}
            hint={HINTS.l2}
          />
          <NumberField
            label="Dropout"
            value={config.dropout}
            min={0}
            max={0.9}
            onCommit={(dropout) => editConfig({ dropout })}
            hint={HINTS.dropout}
          />
          <SelectField
            label="Weight init"
            value={config.init}
            options={INIT_OPTIONS}
            onChange={(init) => editConfig({ init })}
            hint={INIT_HELP[config.init]}
          />
          <NumberField
            label="Seed"
            value={config.seed}
            integer
            onCommit={(seed) => editConfig({ seed })}
            hint={HINTS.seed}
          />
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
        <NumberField
          label="Validation images"
          value={config.validation}
          min={0}
          max={30000}
          integer
          onCommit={(validation) => editConfig({ validation })}
          hint={HINTS.validation}
        />
        <NumberField
          label="Early stopping patience"
          value={config.patience}
          min={0}
          integer
          disabled={config.validation === 0}
          onCommit={(patience) => editConfig({ patience })}
          hint={HINTS.patience}
        />
        <div className="field field-check">
          <label htmlFor={augmentId}>
            <input
              id={augmentId}
              type="checkbox"
              checked={augment !== null}
              aria-describedby={`${augmentId}-hint`}
              onChange={(event) => editConfig({ augment: event.target.checked ? { ...DEFAULT_AUGMENTATION } : null })}
            />
            Augment images
          </label>
          <small id={`${augmentId}-hint`} className="field-hint">
            {HINTS.augment}
          </small>
        </div>
        {augment && (
          <>
            <NumberField
              label="Shift (pixels)"
              value={augment.shift}
              min={0}
              max={8}
              integer
              onCommit={(shift) => editConfig({ augment: { ...augment, shift } })}
              hint={HINTS.shift}
            />
            <NumberField
              label="Rotation (degrees)"
              value={augment.rotate}
              min={0}
              max={45}
              onCommit={(rotate) => editConfig({ augment: { ...augment, rotate } })}
              hint={HINTS.rotate}
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

  const setHidden = (sizes: number[], activations: Activation[]) =>
    editConfig({ layers: [input, ...sizes, output], activations: [...activations, outputActivation] });
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
            <span className="layer-name">Hidden {i + 1}</span>
            <NumberField
              label={<LayerLabel layer={i + 1}>Units</LayerLabel>}
              value={size}
              min={1}
              integer
              onCommit={(value) => setHidden(hidden.map((s, j) => (j === i ? value : s)), hiddenActivations)}
              hint={i === 0 ? HINTS.hiddenUnits : undefined}
            />
            <SelectField
              label={<LayerLabel layer={i + 1}>Activation</LayerLabel>}
              value={hiddenActivations[i]}
              options={HIDDEN_ACTIVATION_OPTIONS}
              onChange={(value) => setHidden(hidden, hiddenActivations.map((a, j) => (j === i ? value : a)))}
              hint={ACTIVATION_HELP[hiddenActivations[i]]}
            />
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
          </li>
        ))}
        <li className="layer layer-fixed">
          <span className="layer-name">Output</span>
          <span className="layer-size">{output} digits</span>
          <SelectField
            label="Output activation"
            value={outputActivation}
            options={OUTPUT_ACTIVATION_OPTIONS}
            onChange={(value) => editConfig({ activations: [...hiddenActivations, value] })}
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

/** "Units" on screen, "Hidden layer 2 units" for a screen reader that reads the field alone. */
function LayerLabel({ layer, children }: { layer: number; children: string }) {
  return (
    <>
      <span className="visually-hidden">Hidden layer {layer} </span>
      {children}
    </>
  );
}
