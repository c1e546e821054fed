/**
 * What to say when this browser's storage refuses a write. A full quota comes as a
 * QuotaExceededError with an empty message; it is named in words, with how much is used and
 * what the user can delete to make room.
 */
import { errorText } from '../formats/error-text';
import { storageOffered } from '../store/actions';
import { useAppStore } from '../store/store';

const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/** What failed for the quota, tried again once the offered dataset is deleted (see takeStorageRetry). */
let retryAfterFreeing: (() => Promise<unknown>) | null = null;

export function isQuotaError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
}

/**
 * The reason a write failed, as a clause: the error's message, or for a full quota the usage and
 * what to delete. For a full quota the largest dataset is also offered for deletion beside the
 * message, after which `retry` runs.
 */
export async function storageProblem(error: unknown, retry?: () => Promise<unknown>): Promise<string> {
  if (!isQuotaError(error)) return errorText(error) || (error instanceof Error ? error.name : 'an unknown error');
  let usage = '';
  try {
    const estimate = await navigator.storage.estimate();
    usage = ` (${megabytes(estimate.usage ?? 0)} used of ${megabytes(estimate.quota ?? 0)})`;
  } catch {
    // No estimate in this browser: the sentence stands without the figures.
  }
  const sets = useAppStore.getState().datasets;
  const largest = sets.reduce<(typeof sets)[number] | null>((found, set) => (found && found.pixelBytes >= set.pixelBytes ? found : set), null);
  if (largest && retry) {
    retryAfterFreeing = retry;
    storageOffered({ datasetId: largest.id, label: `Delete ${largest.name} (${megabytes(largest.pixelBytes)})` });
  }
  const remedy =
    sets.length > 0
      ? `deleting a dataset you no longer need (${sets.map((set) => `${set.name}, ${megabytes(set.pixelBytes)}`).join('; ')}) or older runs makes room`
      : 'deleting older runs makes room';
  return `this browser’s storage for this page is full${usage}; ${remedy}`;
}

/** What to try again once the offered dataset is deleted; taken once. */
export function takeStorageRetry(): (() => Promise<unknown>) | null {
  const retry = retryAfterFreeing;
  retryAfterFreeing = null;
  return retry;
}
