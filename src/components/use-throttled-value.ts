import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `interval` ms and never sooner than `delay` ms after
 * it changed, always in a timer task of its own. Expensive views (the charts) use it so
 * their redraws neither pile up nor share a task with other updates; different delays
 * put different charts in different tasks.
 */
export function useThrottledValue<T>(value: T, interval: number, delay = 0): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(-Infinity);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = Math.max(delay, lastShown.current + interval - performance.now());
    const timer = setTimeout(() => {
      lastShown.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, interval, delay]);
  return shown;
}
