import { Alert } from '../../components/Alert';
import { Panel } from '../../components/Panel';
import { serializeConfig } from '../../formats/config-format';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import { ConfigFiles } from './ConfigFiles';
import { ConfigForm } from './ConfigForm';
import { ConfigJsonEditor } from './ConfigJsonEditor';
import './config-editor.css';

export function ConfigEditor() {
  const error = useAppStore((state) => state.configError);
  const source = useAppStore((state) => state.configErrorSource);
  const alert = error && <Alert>{error}</Alert>;
  const pendingChange = useAppStore(
    (state) =>
      state.runConfig !== null &&
      (isBusy(state.status) || state.status === 'paused') &&
      serializeConfig(state.runConfig) !== serializeConfig(state.config),
  );
  return (
    <Panel title="Network" subtitle="Shape the network and how it learns. Start from a preset, then tweak." className="config-panel">
      <ConfigFiles />
      {source === 'file' && alert}
      {pendingChange && (
        <p className="note" role="status">
          The run in progress keeps the settings it started with; your changes apply to the next run.
        </p>
      )}
      <ConfigForm />
      <ConfigJsonEditor />
      {source === 'json' && alert}
    </Panel>
  );
}
