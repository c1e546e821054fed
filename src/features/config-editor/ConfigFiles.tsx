import { useId, useState } from 'react';
import { serializeConfig } from '../../formats/config-format';
import { linkHash } from '../../store/config-slice';
import { importConfigFile, loadConfig } from '../../store/actions';
import { PRESETS } from '../../store/presets';
import { useAppStore } from '../../store/store';
import { FileButton } from '../../components/FileButton';
import { saveFile } from '../../components/save-file';

/** Presets, and config files in and out. */
export function ConfigFiles() {
  const presetId = useId();
  const config = useAppStore((state) => state.config);
  const current = serializeConfig(config);
  const selected = PRESETS.findIndex((preset) => serializeConfig(preset.config) === current);

  return (
    <div className="config-files">
      <div className="field">
        <label htmlFor={presetId}>Preset</label>
        <select
          id={presetId}
          value={selected === -1 ? 'custom' : String(selected)}
          onChange={(event) => {
            const preset = PRESETS[Number(event.target.value)];
            if (preset) loadConfig(preset.config);
          }}
        >
          {selected === -1 && <option value="custom">Custom</option>}
          {PRESETS.map((preset, i) => (
            <option key={preset.name} value={String(i)}>
              {preset.name}
            </option>
          ))}
        </select>
        {selected !== -1 && <small className="field-hint">{PRESETS[selected].description}</small>}
      </div>
      <div className="button-row">
        <FileButton label="Import config" accept=".json,application/json" onFile={async (file) => importConfigFile(file.name, await file.text())} />
        <button type="button" className="secondary" onClick={() => saveFile('mnist-config.json', current)}>
          Export config
        </button>
        <CopyLink />
      </div>
    </div>
  );
}

/** Copies a link that opens the page with this config; where the clipboard is refused, shows the link to copy by hand. */
function CopyLink() {
  const config = useAppStore((state) => state.config);
  const dataset = useAppStore((state) => state.dataset);
  const [copied, setCopied] = useState<{ link: string; ok: boolean } | null>(null);
  const link = `${window.location.origin}${window.location.pathname}${linkHash(config, dataset)}`;
  const shown = copied?.link === link ? copied : null;
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          navigator.clipboard.writeText(link).then(
            () => setCopied({ link, ok: true }),
            () => setCopied({ link, ok: false }),
          )
        }
      >
        Copy link
      </button>
      <span className="copy-link-result" aria-live="polite">
        {shown?.ok && 'Link copied: it opens this page with these settings.'}
        {shown && !shown.ok && <input readOnly aria-label="Link to these settings" value={link} onFocus={(e) => e.target.select()} />}
      </span>
    </>
  );
}
