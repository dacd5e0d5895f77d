import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/xray-client.js';

export interface PollState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Browser time of the last successful answer. */
  updatedAt: number | undefined;
  refresh: () => void;
}

export interface PollOptions {
  /** Keep polling while true (live refresh). */
  live: boolean;
  intervalMs: number;
  /** A hidden view does not load at all. */
  active: boolean;
}

/**
 * Loads on mount and whenever `key` changes, then again every interval while live. A newer load
 * aborts an older one, so a slow answer never overwrites a fresher one; a poll is skipped while
 * the tab is hidden or a load is still running. Data stays on screen during a reload.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, key: string, options: PollOptions): PollState<T> {
  const [state, setState] = useState<Omit<PollState<T>, 'refresh'>>({ data: undefined, error: undefined, loading: true, updatedAt: undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  const inFlight = useRef<AbortController | undefined>(undefined);
  const keyRef = useRef(key);

  const run = useCallback((reset: boolean) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ ...s, loading: true, ...(reset ? { data: undefined, error: undefined } : {}) }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        inFlight.current = undefined;
        setState({ data, error: undefined, loading: false, updatedAt: Date.now() });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        inFlight.current = undefined;
        const failure = error instanceof Error ? error : new Error(String(error));
        // A rejected request (400: bad filter) has no answer to show; a lost connection keeps the last one.
        const rejected = failure instanceof ApiError && failure.status >= 400 && failure.status < 500;
        setState((s) => ({ data: rejected ? undefined : s.data, error: failure, loading: false, updatedAt: s.updatedAt }));
      },
    );
  }, []);

  useEffect(() => {
    if (!options.active) return;
    const changed = keyRef.current !== key;
    keyRef.current = key;
    run(changed);
  }, [key, options.active, run]);

  useEffect(() => {
    if (!options.active || !options.live) return;
    const timer = setInterval(() => {
      if (document.hidden || inFlight.current !== undefined) return;
      run(false);
    }, options.intervalMs);
    return () => clearInterval(timer);
  }, [options.active, options.live, options.intervalMs, run]);

  useEffect(() => () => inFlight.current?.abort(), []);

  const refresh = useCallback(() => run(false), [run]);
  return { ...state, refresh };
}
