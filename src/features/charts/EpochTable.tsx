import { formatPercent } from '../../components/format';
import { useAppStore } from '../../store/store';

/**
 * Every epoch's figures, and what early stopping kept: the numbers behind the accuracy
 * chart, so the kept epoch's test accuracy can be read against the final evaluation.
 */
export function EpochTable() {
  const points = useAppStore((state) => state.epochs.points);
  const kept = useAppStore((state) => state.bestKept);
  const validation = points.some((p) => p.validationAccuracy !== undefined);
  return (
    <>
      {kept && (
        <p className="note" role="note" aria-label="Early stopping">
          {kept.stoppedEarly
            ? `Stopped early after epoch ${kept.epochsRun}: validation accuracy had not improved since epoch ${kept.bestEpoch}. `
            : `Finished ${kept.epochsRun} epochs; the best validation accuracy was at epoch ${kept.bestEpoch}. `}
          Kept the model of epoch {kept.bestEpoch} (validation {formatPercent(kept.validationAccuracy)}, test{' '}
          {formatPercent(kept.test.accuracy)}).
        </p>
      )}
      {points.length > 0 && (
        <details className="epoch-table">
          <summary>Epoch by epoch</summary>
          <table aria-label="Epochs">
            <thead>
              <tr>
                <th scope="col">Epoch</th>
                <th scope="col">Training</th>
                {validation && <th scope="col">Validation</th>}
                <th scope="col">Test</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.epoch} aria-current={kept?.bestEpoch === p.epoch ? 'true' : undefined}>
                  <th scope="row">{kept?.bestEpoch === p.epoch ? `${p.epoch} (kept)` : p.epoch}</th>
                  <td>{formatPercent(p.trainAccuracy)}</td>
                  {validation && <td>{p.validationAccuracy === undefined ? '–' : formatPercent(p.validationAccuracy)}</td>}
                  <td>{formatPercent(p.testAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}
