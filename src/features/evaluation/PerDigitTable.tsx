import { Fragment, memo, type ReactNode } from 'react';
import { formatCount, formatPercent } from '../../components/format';
import type { DigitMetrics } from '../../worker/api';

/** The seed program's per-digit report, as a table; per class for another set (`digits` only on MNIST). */
export const PerDigitTable = memo(function PerDigitTable({ perDigit, classNames, digits }: { perDigit: DigitMetrics[]; classNames: string[]; digits: boolean }) {
  const title = digits ? 'Per-digit metrics' : 'Per-class metrics';
  return (
    // A phone's narrow panel scrolls the table inside it, never the page; the keyboard can scroll it too.
    <div className="matrix-wrap" role="region" aria-label={title} tabIndex={0}>
      <table className="metrics">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{digits ? 'Digit' : 'Class'}</th>
            <th scope="col" title="Share of this digit's images read correctly">
              Accuracy
            </th>
            <th scope="col" title="When the network says this digit, how often it is right">
              Precision
            </th>
            <th scope="col" title="Share of this digit's images found">
              Recall
            </th>
            <th scope="col" title="Harmonic mean of precision and recall">
              F1
            </th>
            <th scope="col" title="Test images of this digit">
              Images
            </th>
          </tr>
        </thead>
        <tbody>
          {perDigit.map((row) => (
            <tr key={row.digit}>
              <th scope="row">{breakable(classNames[row.digit] ?? String(row.digit))}</th>
              <td>{formatPercent(row.accuracy, 1)}</td>
              <td>{formatPercent(row.precision, 1)}</td>
              <td>{formatPercent(row.recall, 1)}</td>
              <td>{formatPercent(row.f1, 1)}</td>
              <td>{formatCount(row.support)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** A name may wrap after a slash ("T-shirt/top"): its column then fits a phone's width without breaking a word. */
function breakable(name: string): ReactNode {
  const parts = name.split('/');
  return parts.map((part, k) => (
    <Fragment key={k}>
      {part}
      {k < parts.length - 1 && (
        <>
          /<wbr />
        </>
      )}
    </Fragment>
  ));
}
