import { useId } from 'react';
import { FoldingFieldset } from '../../components/FoldingFieldset';
import { editConfigText } from '../../store/actions';
import { useAppStore } from '../../store/store';

/** The same config as JSON text; an invalid edit is kept as typed while the last valid config stays in force. */
export function ConfigJsonEditor() {
  const id = useId();
  const text = useAppStore((state) => state.configText);
  const error = useAppStore((state) => state.configError);
  const source = useAppStore((state) => state.configErrorSource);
  return (
    <FoldingFieldset legend="As JSON" summary="The same settings as text, to paste or edit by hand." problem={error !== null && source === 'json'}>
      <div className="field json-field">
        <label htmlFor={id}>Config JSON</label>
        <textarea
          id={id}
          className="json-editor"
          value={text}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          rows={14}
          aria-invalid={error !== null && source === 'json'}
          onChange={(event) => editConfigText(event.target.value)}
        />
        <small className="field-hint">
          Also accepts the seed post’s <code>config.json</code> (<code>learning_rate</code>, <code>momentum</code>…).
        </small>
      </div>
    </FoldingFieldset>
  );
}
