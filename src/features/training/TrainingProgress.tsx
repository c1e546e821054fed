import { formatBytes, formatCount, formatDuration, formatPercent } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { RATE_READINGS } from '../../store/state';
import { useAppStore } from '../../store/store';
import { timeLeft } from './eta';

export function EpochProgress() {
  const progress = useAppStore((state) => state.progress);
  const readings = useAppStore((state) => state.rateReadings);
  // Time left only while the run is going: a stopped or paused run has none to count down.
  const going = useAppStore((state) => state.status === 'running');
  if (!progress) return <ProgressBar label="Epoch progress" value={0} max={1} detail="No run yet" />;
  const { epoch, epochs, samplesDone, samplesTotal, samplesPerSecond } = progress;
  const rate = going && samplesPerSecond > 0 ? samplesPerSecond : null;
  const left = rate ? timeLeft(progress, readings, RATE_READINGS) : null;
  return (
    <ProgressBar
      label="Epoch progress"
      value={samplesDone}
      max={samplesTotal}
      detail={
        <>
          Epoch {epoch} of {epochs} · {formatCount(samplesDone)} / {formatCount(samplesTotal)} samples
          {rate && ` · ${formatCount(rate)}/s`}
          {left && samplesDone < samplesTotal && ` · ETA ${formatDuration(left.epoch)}`}
          {left && epoch < epochs && ` (run ${formatDuration(left.run)})`}
        </>
      }
    />
  );
}

export function DownloadProgress() {
  const download = useAppStore((state) => state.download);
  const { status, loadedBytes, totalBytes } = download;
  const detail =
    status === 'idle'
      ? '11 MB, fetched on the first run and kept'
      : status === 'ready'
        ? 'Ready: 60,000 + 10,000 test images'
        : status === 'error'
          ? 'Failed'
          : totalBytes
            ? `${formatBytes(loadedBytes)} of ${formatBytes(totalBytes)} (${formatPercent(loadedBytes / totalBytes, 0)})`
            : `${formatBytes(loadedBytes)}`;
  const value = status === 'ready' ? 1 : status === 'loading' ? (totalBytes ? loadedBytes / totalBytes : null) : 0;
  return <ProgressBar label="Dataset download" value={value} max={1} detail={detail} />;
}
