import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from './heartbeat';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('worker heartbeat', () => {
  it('stays quiet while the worker answers', async () => {
    const onDead = vi.fn();
    const ping = vi.fn(() => Promise.resolve(true));
    const { stop } = startHeartbeat({ ping, onDead, intervalMs: 1000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping).toHaveBeenCalledTimes(20);
    expect(onDead).not.toHaveBeenCalled();
    stop();
  });

  it('reports a worker that stops answering, once, and pings no more', async () => {
    const onDead = vi.fn();
    let alive = true;
    const ping = vi.fn(() => (alive ? Promise.resolve(true) : new Promise(() => {})));
    startHeartbeat({ ping, onDead, intervalMs: 1000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(5000);
    alive = false;
    await vi.advanceTimersByTimeAsync(3500);
    expect(onDead).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(onDead.mock.calls[0][0]).toContain('did not answer');
    const calls = ping.mock.calls.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping).toHaveBeenCalledTimes(calls);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('reports a ping that fails', async () => {
    const onDead = vi.fn();
    startHeartbeat({ ping: () => Promise.reject(new Error('port closed')), onDead, intervalMs: 1000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(onDead).toHaveBeenCalledWith('port closed');
  });

  it('says nothing once stopped', async () => {
    const onDead = vi.fn();
    const { stop } = startHeartbeat({ ping: () => new Promise(() => {}), onDead, intervalMs: 1000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(1500);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('takes progress from a busy worker as an answer, and reports it once the progress stops', async () => {
    const onDead = vi.fn();
    // Busy for a minute in work that cannot yield: no ping is answered, but progress arrives every 2 s.
    const heartbeat = startHeartbeat({ ping: () => new Promise(() => {}), onDead, intervalMs: 1000, timeoutMs: 3000 });
    for (let second = 0; second < 60; second += 2) {
      await vi.advanceTimersByTimeAsync(2000);
      heartbeat.alive();
    }
    expect(onDead).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });
});
