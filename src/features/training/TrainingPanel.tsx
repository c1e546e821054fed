import { useEffect, useRef } from 'react';
import { train } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { Panel } from '../../components/Panel';
import { dismissRunError, dismissTrainRefusal } from '../../store/actions';
import { configProblem } from '../../store/config-slice';
import { useAppStore } from '../../store/store';
import { BothCores } from './BothCores';
import { RunStatus } from './RunStatus';
import { TrainingControls } from './TrainingControls';
import { DownloadProgress, EpochProgress } from './TrainingProgress';
import './training.css';

/**
 * On a phone the actions and the status stay at the bottom of the screen, wherever the page is
 * scrolled. Its height, which grows with a status that wraps, goes to `--action-bar-height`, so
 * the page's end and whatever the browser scrolls into view (the drawing pad, a focused field)
 * keep clear of it; on wider screens the bar is part of the panel's row and measures 0.
 */
function ActionBar() {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = bar.current;
    if (!element) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--action-bar-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--action-bar-height');
    };
  }, []);
  return (
    <div className="action-bar" ref={bar}>
      <TrainingControls />
      <RunStatus />
    </div>
  );
}

export function TrainingPanel() {
  const runError = useAppStore((state) => state.runError);
  const downloadFailed = useAppStore((state) => state.download.status === 'error');
  // Said while the refused edit is on screen: fixing the field answers it.
  const refusal = useAppStore((state) => (state.trainRefused ? configProblem(state) : null));
  return (
    <Panel title="Training" subtitle="Runs in a background thread: the page stays responsive while the network learns." className="training-panel">
      <div className="training-bar">
        <ActionBar />
        <BothCores />
      </div>
      {runError && (
        <Alert
          onDismiss={dismissRunError}
          action={
            downloadFailed && (
              <button type="button" className="small" onClick={() => void train()}>
                Retry
              </button>
            )
          }
        >
          {runError}
        </Alert>
      )}
      {refusal && <Alert onDismiss={dismissTrainRefusal}>Not started: fix this first, or Train would run the last valid config instead. {refusal}</Alert>}
      <div className="progress-stack">
        <EpochProgress />
        <DownloadProgress />
      </div>
    </Panel>
  );
}
