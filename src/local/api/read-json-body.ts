/**
 * Reads a request's JSON body with a size cap and a deadline. Over the cap -> 413, too slow -> 408,
 * not a JSON object -> InvalidRequestException; all in X-Ray's error shape. An empty body is `{}`
 * (SDKs send no body for operations without input).
 */
import type { IncomingMessage } from 'node:http';
import { type JsonObject, isObject } from './fields.js';
import { XrayApiError, invalidRequest } from './xray-api-error.js';
import { DEFAULT_MAX_BODY_BYTES } from './body-limit.js';

export { DEFAULT_MAX_BODY_BYTES };

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

export function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<JsonObject> {
  const tooLarge = (): XrayApiError =>
    new XrayApiError('RequestEntityTooLargeException', 413, `request body exceeds ${limits.maxBytes} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: XrayApiError | undefined, value?: JsonObject): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) reject(err);
      else resolve(value as JsonObject);
    };
    const timer = setTimeout(
      () => finish(new XrayApiError('RequestTimeoutException', 408, `request body not received within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') return finish(undefined, {});
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return finish(invalidRequest(`request body is not valid JSON: ${(err as Error).message}`));
      }
      if (!isObject(value)) return finish(invalidRequest('request body must be a JSON object'));
      finish(undefined, value);
    };
    const onError = (): void => finish(invalidRequest('request body could not be read'));
    const onAborted = (): void => finish(invalidRequest('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
