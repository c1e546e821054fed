import { hyperparameterTable, type RunRecord } from '../../store/runs';

/** The selected runs' configs side by side; rows where they differ are marked. */
export function HyperparameterTable({ runs }: { runs: RunRecord[] }) {
  const rows = hyperparameterTable(runs);
  return (
    <div className="matrix-wrap">
      <table className="metrics hyperparameters" aria-label="Hyperparameters of the selected runs">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            {runs.map((run) => (
              <th key={run.id} scope="col">
                {run.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? 'differs' : undefined} data-differs={row.differs}>
              <th scope="row">
                {row.label}
                {row.differs && <span className="differs-mark"> (differs)</span>}
              </th>
              {row.values.map((value, i) => (
                <td key={runs[i].id}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
