// The shared look first, so each feature's stylesheet can refine it.
import './app.css';
import { lazy, Suspense } from 'react';
import { SkipLink } from '../components/SkipLink';
import { Tabs } from '../components/Tabs';
import { ConfigEditor } from '../features/config-editor/ConfigEditor';
import { DatasetPicker } from '../features/datasets/DatasetPicker';
import { EvaluationPanel } from '../features/evaluation/EvaluationPanel';
import { ModelFiles } from '../features/model-files/ModelFiles';
import { NetworkView } from '../features/network-view/NetworkView';
import { TrainingPanel } from '../features/training/TrainingPanel';
import { MNIST_DATASET } from '../store/config-slice';
import { useAppStore } from '../store/store';

// The charts bring recharts, the largest library here; the page is usable before it arrives.
// The exporters' code (PyTorch sources, the zip writer) loads when its tab is first opened.
const ExportPanel = lazy(() => import('../features/export/ExportPanel').then((module) => ({ default: module.ExportPanel })));
// The runs table, and the range test's chart with recharts, load when the Runs tab is first shown.
const RunsPanel = lazy(() => import('../features/runs/RunsPanel').then((module) => ({ default: module.RunsPanel })));
const LrFinder = lazy(() => import('../features/lr-finder/LrFinder').then((module) => ({ default: module.LrFinder })));
// The drawing pad (its canvases, saliency and examples) loads when its tab is first shown; the
// distributions and the embedding map when the inside of the network is.
const FeatureMaps = lazy(() => import('../features/draw-pad/FeatureMaps').then((module) => ({ default: module.FeatureMaps })));
const DrawPad = lazy(() => import('../features/draw-pad/DrawPad').then((module) => ({ default: module.DrawPad })));
const Distributions = lazy(() => import('../features/distributions/Distributions').then((module) => ({ default: module.Distributions })));
const EmbeddingPanel = lazy(() => import('../features/embedding/EmbeddingPanel').then((module) => ({ default: module.EmbeddingPanel })));
const TrainingCharts = lazy(() => import('../features/charts/TrainingCharts').then((module) => ({ default: module.TrainingCharts })));

/**
 * A workbench: the config beside the controls, the live curves and the evaluation, all on
 * one laptop screen; the drawing pad, the runs and the inside of the network one tab away.
 */
export function App() {
  const dataset = useAppStore((state) => state.dataset);
  // Only MNIST is digits: another set's classes may be numbered without being digits.
  const digits = dataset.id === MNIST_DATASET.id;
  return (
    <>
      <SkipLink target="training">Skip to training controls</SkipLink>
      <div className="app">
        <header className="app-header">
          <h1>MNIST Playground</h1>
          <p className="tagline">
            {digits
              ? 'Teach a neural network to read handwritten digits in your browser: pick a network, press Train, watch it learn from 60,000 examples.'
              : `Teach a neural network to tell ${dataset.name}’s ${dataset.classNames.length} classes apart in your browser: pick a network, press Train, watch it learn.`}
          </p>
        </header>
        <main className="workbench">
          <aside className="sidebar" aria-label="Dataset and network settings">
            <DatasetPicker />
            <ConfigEditor />
          </aside>
          <div className="bench">
            <div id="training" tabIndex={-1} className="skip-target">
              <TrainingPanel />
            </div>
            <Tabs
              label="Views"
              tabs={[
                {
                  id: 'results',
                  label: 'Curves and evaluation',
                  content: (
                    <div className="results">
                      <Suspense fallback={<div className="panel charts-loading" aria-busy="true" />}>
                        <TrainingCharts />
                      </Suspense>
                      <EvaluationPanel />
                    </div>
                  ),
                },
                {
                  id: 'draw',
                  label: digits ? 'Draw a digit' : 'Draw',
                  content: (
                    <Suspense fallback={<div className="panel" aria-busy="true" />}>
                      <DrawPad>
                        <ModelFiles />
                      </DrawPad>
                    </Suspense>
                  ),
                },
                {
                  id: 'runs',
                  label: 'Runs',
                  content: (
                    <Suspense fallback={<div className="panel" aria-busy="true" />}>
                      <RunsPanel />
                      <LrFinder />
                    </Suspense>
                  ),
                },
                {
                  id: 'network',
                  label: 'Inside the network',
                  content: (
                    <>
                      <NetworkView
                        drawn={
                          <Suspense fallback={null}>
                            <FeatureMaps />
                          </Suspense>
                        }
                      />
                      <Suspense fallback={<div className="panel" aria-busy="true" />}>
                        <Distributions />
                        <EmbeddingPanel />
                      </Suspense>
                    </>
                  ),
                },
                {
                  id: 'export',
                  label: 'Take it further',
                  content: (
                    <Suspense fallback={<div className="panel" aria-busy="true" />}>
                      <ExportPanel />
                    </Suspense>
                  ),
                },
              ]}
            />
          </div>
        </main>
        <footer className="app-footer">
          Everything runs on this device: the data comes from this site and training happens in a background thread.
        </footer>
      </div>
    </>
  );
}
