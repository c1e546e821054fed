// The shared look first, so each feature's stylesheet can refine it.
import './app.css';
import { DrawPad } from '../features/draw-pad/DrawPad';
import { TrainingCharts } from '../features/charts/TrainingCharts';
import { ConfigEditor } from '../features/config-editor/ConfigEditor';
import { EvaluationPanel } from '../features/evaluation/EvaluationPanel';
import { ModelFiles } from '../features/model-files/ModelFiles';
import { RunsPanel } from '../features/runs/RunsPanel';
import { NetworkView } from '../features/network-view/NetworkView';
import { TrainingPanel } from '../features/training/TrainingPanel';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>MNIST Playground</h1>
          <p className="tagline">
            Teach a neural network to read handwritten digits, right in your browser: pick a network, press Train, and
            watch it learn from 60,000 examples.
          </p>
        </div>
      </header>
      <main className="layout">
        <aside className="sidebar">
          <ConfigEditor />
        </aside>
        <div className="content">
          <TrainingPanel />
          <TrainingCharts />
          <EvaluationPanel />
          <RunsPanel />
          <DrawPad>
            <ModelFiles />
          </DrawPad>
          <NetworkView />
        </div>
      </main>
      <footer className="app-footer">
        Everything runs on this device: the data comes from this site and training happens in a background thread.
      </footer>
    </div>
  );
}
