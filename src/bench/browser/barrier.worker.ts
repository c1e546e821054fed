/** One of the page's two threads of `npm run bench:barrier -- --browser` (barrier-steps.ts). */
import { help, lead, oneThread, passesFor, unitOf, type Unit } from '../barrier-steps.ts';
import type { BarrierMessage } from './protocol.ts';

let unit: Unit | null = null;

onmessage = ({ data }: MessageEvent<BarrierMessage>) => {
  if (data.type === 'load') {
    unit = unitOf(data.bytes);
    postMessage(data.unitMs ? passesFor(unit, data.unitMs) : 0);
    return;
  }
  if (!unit) throw new Error('The barrier worker was asked to step before it was loaded');
  if (data.type === 'one') postMessage(oneThread(unit, data.passes, data.steps));
  if (data.type === 'lead') postMessage(lead(unit, new Int32Array(data.control), data.passes, data.steps));
  if (data.type === 'help') {
    // Posted before the steps block this thread: the page starts the other thread on it.
    postMessage('ready');
    help(unit, new Int32Array(data.control), data.passes, data.steps);
  }
};
