import { useId } from 'react';
import { DEFAULT_AUGMENTATION, type Config } from '../../engine/config';
import { FoldingFieldset } from '../../components/FoldingFieldset';
import { SelectField } from '../../components/SelectField';
import { AUGMENT_FIELDS, AUGMENT_HINT, FIELDS, type ChoiceKey, type NumberKey } from '../../formats/config-fields';
import { editConfigField } from '../../store/actions';
import { useAppStore } from '../../store/store';
import { FormNumber } from './FormNumber';
import { INIT_HELP, OPTIMIZER_HELP } from './help';
import { LayersEditor } from './LayersEditor';

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
import { INIT_OPTIONS, OPTIMIZER_OPTIONS } from './options';

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
      <LayersEditor config={config} />
      <FoldingFieldset
        legend="Training"
        summary={`${FIELDS.optimizer.choiceLabels[config.optimizer]}, learning rate ${config.learningRate}, batch ${config.batchSize}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`}
      >
        <div className="field-grid">
          <ConfigChoice name="optimizer" options={OPTIMIZER_OPTIONS} help={OPTIMIZER_HELP} />
          <ConfigNumber name="learningRate" />
          <ConfigNumber name="learningRateDecay" />
          <ConfigNumber name="momentum" disabled={config.optimizer !== 'momentum'} />
          <ConfigNumber name="adamBeta1" disabled={config.optimizer !== 'adam'} />
          <ConfigNumber name="adamBeta2" disabled={config.optimizer !== 'adam'} />
          <ConfigNumber name="batchSize" />
          <ConfigNumber name="epochs" />
          <ConfigNumber name="samples" />
          <ConfigNumber name="l2" />
          <ConfigNumber name="dropout" />
          <ConfigChoice name="init" options={INIT_OPTIONS} help={INIT_HELP} />
          <ConfigNumber name="seed" />
        </div>
      </FoldingFieldset>
      <OverfittingFields config={config} />
    </form>
  );
}

/** Validation split, early stopping and augmentation: the switches that show and fight overfitting. */
function OverfittingFields({ config }: { config: Config }) {
  const augmentId = useId();
  const augment = config.augment;
  const summary = [
    config.validation > 0 ? `${config.validation.toLocaleString('en-US')} held out for validation` : 'No validation set',
    augment ? 'augmented images' : 'images as they are',
  ].join(', ');
  return (
    <FoldingFieldset legend="Overfitting" summary={summary}>
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
    </FoldingFieldset>
  );
}
