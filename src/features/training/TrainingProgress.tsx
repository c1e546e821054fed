import { formatBytes, formatCount, formatDuration, formatPercent } from '../../components/format';
import { ProgressBar } from '../../components/ProgressBar';
import { MNIST_DOWNLOAD_BYTES, MNIST_TEST_SIZE, MNIST_UNPACKED_BYTES } from '../../data/mnist-files';
import { MNIST_TRAIN_SIZE } from '../../engine/config';
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

/** One size for the download: the bytes over the wire, and what they become unpacked. */
const MNIST_SIZE = `${formatBytes(MNIST_DOWNLOAD_BYTES)} (${formatBytes(MNIST_UNPACKED_BYTES)} unpacked)`;

export function DownloadProgress() {
  const download = useAppStore((state) => state.download);
  const counts = useAppStore((state) => {
    const info = state.datasets.find((set) => set.id === state.download.datasetId);
    return `${formatCount(info?.trainCount ?? MNIST_TRAIN_SIZE)} + ${formatCount(info?.testCount ?? MNIST_TEST_SIZE)}`;
  });
  const { status, loadedBytes, totalBytes } = download;
  // The share is the same counted in either unit: a server that unpacks on the way reports unpacked bytes.
  const detail =
    status === 'idle'
      ? `${MNIST_SIZE}, downloaded once`
      : status === 'ready'
        ? `Ready: ${counts} test images`
        : status === 'error'
          ? 'Failed'
          : `Downloading ${MNIST_SIZE}${totalBytes ? `: ${formatPercent(loadedBytes / totalBytes, 0)}` : '…'}`;
  const value = status === 'ready' ? 1 : status === 'loading' ? (totalBytes ? loadedBytes / totalBytes : null) : 0;
  return <ProgressBar label="Dataset download" value={value} max={1} detail={detail} />;
}
