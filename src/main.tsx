import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { startPersistence } from './app/persistence';
import { syncConfigWithUrl } from './app/url-config';
import { startWorkerEarly, terminateWorkerForTesting } from './bridge/training-bridge';

declare global {
  interface Window {
    /** Lets the e2e suite kill the training worker as a browser would; see terminateWorkerForTesting. */
    mnistPlayground: { terminateWorkerForTesting: () => void };
  }
}
window.mnistPlayground = { terminateWorkerForTesting };
syncConfigWithUrl();
startPersistence();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// Once the page has drawn and settled; Safari has no requestIdleCallback.
if ('requestIdleCallback' in window) requestIdleCallback(startWorkerEarly, { timeout: 2000 });
else setTimeout(startWorkerEarly, 500);
