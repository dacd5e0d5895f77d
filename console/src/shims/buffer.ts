/**
 * The few `Buffer` calls the OTLP → X-Ray translation (src/otlp/, shared with the daemon) makes,
 * for the browser: `Buffer.isBuffer`, `Buffer.from(bytes | arrayBuffer, offset, length)` and
 * `.toString('hex' | 'base64')`. Installed on globalThis only where there is no Buffer.
 */
class BrowserBuffer {
  constructor(private readonly bytes: Uint8Array) {}

  static isBuffer(value: unknown): boolean {
    return value instanceof BrowserBuffer;
  }

  static from(source: Uint8Array | ArrayBufferLike, offset = 0, length?: number): BrowserBuffer {
    if (source instanceof Uint8Array) return new BrowserBuffer(source);
    return new BrowserBuffer(new Uint8Array(source, offset, length));
  }

  toString(encoding: 'hex' | 'base64'): string {
    if (encoding === 'hex') return Array.from(this.bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    let binary = '';
    for (const b of this.bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }
}

export function installBufferShim(): void {
  const g = globalThis as { Buffer?: unknown };
  g.Buffer ??= BrowserBuffer;
}
