import { lazy, Suspense } from 'react';
import { evaluateModel } from '../../bridge/training-bridge';
import { formatCount, formatPercent } from '../../components/format';
import { Panel } from '../../components/Panel';
import { MNIST_DATASET } from '../../store/config-slice';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import './evaluation.css';

// The confusion matrix, the per-class table, a cell's images (with their saliency and Grad-CAM)
// and the confident mistakes load with the first evaluation, not with the page.
const ConfusionMatrix = lazy(() => import('./ConfusionMatrix').then((module) => ({ default: module.ConfusionMatrix })));
const PerDigitTable = lazy(() => import('./PerDigitTable').then((module) => ({ default: module.PerDigitTable })));
const CellImages = lazy(() => import('./CellImages').then((module) => ({ default: module.CellImages })));
const ConfidentMistakes = lazy(() => import('./ConfidentMistakes').then((module) => ({ default: module.ConfidentMistakes })));

export function EvaluationPanel() {
  const evaluation = useAppStore((state) => state.evaluation);
  const selected = useAppStore((state) => state.selectedCell);
  const canEvaluate = useAppStore((state) => state.hasModel && !isBusy(state.status));
  const classNames = useAppStore((state) => state.dataset.classNames);
  const digits = useAppStore((state) => state.dataset.id === MNIST_DATASET.id);
  const subtitle = evaluation
    ? `Test images never used in training${evaluation.epoch > 0 ? `, after epoch ${evaluation.epoch}` : ''}.`
    : 'After each epoch the network reads the test images it never trained on.';
  return (
    <Panel
      title="Evaluation"
      subtitle={subtitle}
      className="evaluation-panel"
      actions={
        <button type="button" className="secondary small" disabled={!canEvaluate} onClick={() => void evaluateModel()}>
          Evaluate now
        </button>
      }
    >
      {evaluation ? (
        <>
          <p className="overall">
            <span className="overall-value">Overall accuracy: {formatPercent(evaluation.accuracy)}</span>{' '}
            <span className="muted">
              ({formatCount(evaluation.correct)} of {formatCount(evaluation.total)} correct)
            </span>
          </p>
          <Suspense fallback={null}>
            <div className="evaluation-grid">
              <ConfusionMatrix confusion={evaluation.confusion} classNames={classNames} selected={selected} />
              <PerDigitTable perDigit={evaluation.perDigit} classNames={classNames} digits={digits} />
            </div>
            <CellImages />
            <ConfidentMistakes />
          </Suspense>
        </>
      ) : (
        <p className="empty-state">No evaluation yet: train for an epoch to see which classes the network confuses.</p>
      )}
    </Panel>
  );
}
