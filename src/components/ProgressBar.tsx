import type { ReactNode } from 'react';

interface ProgressBarProps {
  label: string;
  /** Between 0 and max; null shows an indeterminate bar. */
  value: number | null;
  max: number;
  /** Text beside the label: counts, rates, time left. */
  detail?: ReactNode;
}

/** A labelled native <progress>, which screen readers announce as a progress bar with this name. */
export function ProgressBar({ label, value, max, detail }: ProgressBarProps) {
  return (
    <div className="progress">
      <div className="progress-text">
        <span className="progress-label">{label}</span>
        {detail && <span className="progress-detail">{detail}</span>}
      </div>
      <progress aria-label={label} max={max} value={value ?? undefined} />
    </div>
  );
}
