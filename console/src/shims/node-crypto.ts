/**
 * `node:crypto` for the browser build: the OTLP → X-Ray translation the console shares with the
 * daemon imports randomBytes (its default id source; the console passes its own). Web Crypto gives
 * the same bytes; only `.toString('hex')` is used.
 */
export function randomBytes(size: number): { toString: (encoding: 'hex') => string } {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return { toString: () => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
}
