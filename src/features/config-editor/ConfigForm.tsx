import type { Activation, Config } from '../../engine/config';
import { NumberField } from '../../components/NumberField';
import { SelectField } from '../../components/SelectField';
import { editConfig } from '../../store/actions';
import { useAppStore } from '../../store/store';
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
            hint="How each gradient becomes a weight change."
          />
          <NumberField
            label="Learning rate"
            value={config.learningRate}
            min={0}
            onCommit={(learningRate) => editConfig({ learningRate })}
            hint="Step size. Adam: ~0.001; SGD: 0.01–0.1."
          />
          <NumberField
            label="Momentum"
            value={config.momentum}
            min={0}
            max={1}
            onCommit={(momentum) => editConfig({ momentum })}
            disabled={config.optimizer !== 'momentum'}
            hint="Used by SGD with momentum; 0.9 is usual."
          />
          <NumberField
            label="Batch size"
            value={config.batchSize}
            min={1}
            integer
            onCommit={(batchSize) => editConfig({ batchSize })}
            hint="Samples per weight update; 1 is the seed post's."
          />
          <NumberField
            label="Epochs"
            value={config.epochs}
            min={1}
            integer
            onCommit={(epochs) => editConfig({ epochs })}
            hint="Passes over the training samples."
          />
          <NumberField
            label="Training samples"
            value={config.samples}
            min={1}
            max={60000}
            integer
            onCommit={(samples) => editConfig({ samples })}
            hint="The first N of the 60,000 training images."
          />
          <NumberField
            label="L2 weight decay"
            value={config.l2}
            min={0}
            onCommit={(l2) => editConfig({ l2 })}
            hint="Pulls weights toward 0 against overfitting; try 1e-4."
          />
          <NumberField
            label="Dropout"
            value={config.dropout}
            min={0}
            max={0.9}
            onCommit={(dropout) => editConfig({ dropout })}
            hint="Share of hidden units switched off per sample."
          />
          <SelectField
            label="Weight init"
            value={config.init}
            options={INIT_OPTIONS}
            onChange={(init) => editConfig({ init })}
          />
          <NumberField
            label="Seed"
            value={config.seed}
            integer
            onCommit={(seed) => editConfig({ seed })}
            hint="Same seed, same run."
          />
        </div>
      </fieldset>
    </form>
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
            />
            <SelectField
              label={<LayerLabel layer={i + 1}>Activation</LayerLabel>}
              value={hiddenActivations[i]}
              options={HIDDEN_ACTIVATION_OPTIONS}
              onChange={(value) => setHidden(hidden, hiddenActivations.map((a, j) => (j === i ? value : a)))}
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
            hint="Softmax gives probabilities and trains with cross-entropy."
          />
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
