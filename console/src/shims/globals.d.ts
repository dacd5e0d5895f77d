/** The Buffer API the shared OTLP translation uses (see buffer.ts); the console has no Node types. */
declare const Buffer: {
  isBuffer(value: unknown): boolean;
  from(source: Uint8Array | ArrayBufferLike, offset?: number, length?: number): { toString(encoding: 'hex' | 'base64'): string };
};

/** Resolved to ./node-crypto.ts by the Vite alias (console/vite.config.ts). */
declare module 'node:crypto' {
  export function randomBytes(size: number): { toString(encoding: 'hex'): string };
}
