/**
 * Memoises a lazy load (a dynamic `import()`, a client built from one) until it fails. A plain
 * `cached ??= import(...)` keeps a rejected promise forever: one EMFILE while a module is read (a
 * low `ulimit -n` under a connection flood) would break credentials or /metrics until restart.
 * Here a failed load is forgotten, so the next call tries again (its callers already retry:
 * credential probes, uploads, scrapes). `attempt` counts the failures so far.
 */
export function retryingLoader<T>(load: (attempt: number) => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  let failures = 0;
  return () => {
    if (loading) return loading;
    let attempt: Promise<T>;
    try {
      attempt = load(failures);
    } catch (err) {
      attempt = Promise.reject(err); // a loader that throws at once (a bad URL) fails like any other load
    }
    loading = attempt;
    attempt.catch(() => {
      failures++;
      if (loading === attempt) loading = undefined;
    });
    return attempt;
  };
}

/**
 * `import(url)`, under a new URL after a failure: Node remembers a failed ESM import for the life
 * of the process (the same URL fails again even once files can be opened), so a retry asks for
 * `?retry=N`. Only for a module whose own imports are already loaded, or required rather than
 * imported, since those are not fetched again.
 */
export function importFresh<T>(url: URL, attempt: number): Promise<T> {
  const fresh = new URL(url);
  if (attempt > 0) fresh.searchParams.set('retry', String(attempt));
  return import(fresh.href) as Promise<T>;
}
