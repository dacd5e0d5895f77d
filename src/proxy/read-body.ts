import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 408 | 413 | 400; message: string };

/**
 * Reads a request body with a byte limit and a deadline. A declared Content-Length over the limit
 * is refused before reading anything; a streamed body is cut off as soon as it crosses the limit.
 * The caller answers with `status` and closes the connection (the rest of the body is not read).
 */
export function readBody(req: IncomingMessage, limits: { maxBytes: number; timeoutMs: number }): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    return Promise.resolve({ ok: false, status: 413, message: `request body of ${declared} bytes exceeds the limit of ${limits.maxBytes} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        finish({ ok: false, status: 413, message: `request body exceeds the limit of ${limits.maxBytes} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = () => finish({ ok: false, status: 400, message: 'request body could not be read' });
    const onClose = () => finish({ ok: false, status: 400, message: 'client closed the connection before sending the whole body' });
    const timer = setTimeout(
      () => finish({ ok: false, status: 408, message: `request body not received within ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
