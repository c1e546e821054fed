/**
 * A worker the browser terminates (or that crashes hard) sends no error event, and every
 * call to it then waits forever. The heartbeat pings it; a ping that is not answered in
 * time means the worker is gone. The training loop yields every few tens of milliseconds,
 * so a live worker answers well within the timeout even mid-epoch; a long job that cannot
 * yield (inflating a large file) reports progress instead, and each report counts as an answer.
 */
import { errorText } from '../formats/error-text';
export interface HeartbeatOptions {
  ping(): Promise<unknown>;
  onDead(reason: string): void;
  intervalMs: number;
  timeoutMs: number;
}

export interface Heartbeat {
  stop(): void;
  /** The worker is busy but alive (it reported progress): a ping waiting for its answer gets its full time again. */
  alive(): void;
}

/** Starts pinging; `onDead` is called at most once. */
export function startHeartbeat({ ping, onDead, intervalMs, timeoutMs }: HeartbeatOptions): Heartbeat {
  let stopped = false;
  let waiting = false;
  let deadline: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(deadline);
  };
  const die = (reason: string) => {
    if (stopped) return;
    stop();
    onDead(reason);
  };

  const wait = () => {
    clearTimeout(deadline);
    deadline = setTimeout(() => die(`it did not answer for ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  };
  const timer = setInterval(() => {
    // One ping at a time: a slow answer is not counted twice.
    if (waiting) return;
    waiting = true;
    wait();
    ping().then(
      () => {
        waiting = false;
        clearTimeout(deadline);
      },
      (error: unknown) => die(errorText(error)),
    );
  }, intervalMs);
  return {
    stop,
    alive: () => {
      if (waiting && !stopped) wait();
    },
  };
}
