/** How numbers are written on the page. */

/** Whether a set's classes are numbered 0, 1, 2… rather than named: there is no name to show beside the number. */
export function namesAreDigits(classNames: readonly string[]): boolean {
  return classNames.every((name, i) => name === String(i));
}

/** 0.97251 → "97.25%". */
export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min"; "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** 11_594_722 → "11.6 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1_000).toFixed(0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

// One formatter for the page: toLocaleString builds a new one on every call, which shows in profiles.
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345.6 → "12,346"; grouped for reading at a glance. */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(Math.round(count));
}

/** A loss or error value, with enough significant digits to see it fall. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 0.01 ? value.toFixed(4) : value.toPrecision(3);
}
