import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http/route.js';
import { sendJson } from '../http/route.js';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import type { XrayClient } from '../xray/xray-client.js';
import { classifyFailure, describeError, CredentialsUnavailableError } from '../xray/errors.js';
import { readBody } from './read-body.js';

/** The only X-Ray operations SDKs need from the daemon's TCP port. */
const FORWARDED: ReadonlyMap<string, string> = new Map([
  ['/GetSamplingRules', 'GetSamplingRules'],
  ['/SamplingTargets', 'GetSamplingTargets'],
]);
const ALLOWED = [...FORWARDED.keys()].map((p) => `POST ${p}`);

export const SAMPLING_PROXY_DEFAULTS = {
  /** Sampling requests are a few KB (one statistics document per rule); 1 MiB is generous. */
  maxBodyBytes: 1024 * 1024,
  /** From the end of the headers to the last body byte. */
  bodyTimeoutMs: 10_000,
  /**
   * Requests being read or forwarded at once; more get 503 + Retry-After. SDKs send one call per
   * 10 s per process, so this only bites a flood, which must not queue without bound.
   */
  maxInFlight: 32,
};

export interface SamplingProxyDeps {
  /** Signs with SigV4 (service xray) and enforces the upstream timeout. */
  client: Pick<XrayClient, 'post'>;
  logger: Logger;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
  maxInFlight?: number;
}

/** The answers headers X-Ray sends that are worth passing back (the error type lets SDKs log it). */
const PASSED_HEADERS = ['content-type', 'x-amzn-errortype', 'x-amzn-requestid'];

function refuse(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { __type: type, Message: message, allowed: ALLOWED }, { 'x-amzn-errortype': type, ...extra });
}

/**
 * The sampling proxy for `--backend aws`: forwards only `POST /GetSamplingRules` and
 * `POST /SamplingTargets` to X-Ray, signed with our credentials over the headers we set ourselves
 * (client headers are never forwarded or signed). It is not an open signing proxy: any other POST
 * (another X-Ray operation) gets 404 and a wrong method on an allowed path 405, both naming what
 * is allowed; neither reaches X-Ray. Other non-POST requests are left to later routes (return false).
 *
 * Answers: upstream status/body/content-type unchanged; 413 body over the limit; 408 body too
 * slow; 503 too many requests at once; 504 X-Ray timed out; 502 X-Ray unreachable or no
 * credentials (never forwarded unsigned).
 */
export function createSamplingProxyRoute(deps: SamplingProxyDeps): Route {
  const log = deps.logger.child({ component: 'sampling-proxy' });
  const maxBytes = deps.maxBodyBytes ?? SAMPLING_PROXY_DEFAULTS.maxBodyBytes;
  const timeoutMs = deps.bodyTimeoutMs ?? SAMPLING_PROXY_DEFAULTS.bodyTimeoutMs;
  const maxInFlight = deps.maxInFlight ?? SAMPLING_PROXY_DEFAULTS.maxInFlight;
  let inFlight = 0;
  // SDKs poll every 10 s: an X-Ray outage would otherwise log a line per poll per process
  const upstreamWarning = new EpisodeWarning(log, 'sampling proxy: X-Ray did not answer; SDKs fall back to their local rules', 60_000);

  return async (req, res, url) => {
    const path = url.pathname;
    const upstreamPath = FORWARDED.has(path) ? path : undefined;
    if (upstreamPath === undefined) {
      if (req.method !== 'POST') return false;
      refuse(res, 404, 'NotFoundException', `xrayd forwards only ${ALLOWED.join(' and ')} to AWS X-Ray; POST ${path} is not forwarded`, {
        connection: 'close',
      });
      return true;
    }
    if (req.method !== 'POST') {
      refuse(res, 405, 'MethodNotAllowedException', `${path} accepts only POST, got ${req.method}`, { allow: 'POST', connection: 'close' });
      return true;
    }

    if (inFlight >= maxInFlight) {
      sendJson(res, 503, { __type: 'ServiceUnavailable', Message: `more than ${maxInFlight} sampling requests in progress; retry shortly` }, {
        'retry-after': '1',
        connection: 'close',
      });
      return true;
    }
    inFlight++;
    try {
      await forward(req, res, path, upstreamPath);
    } finally {
      inFlight--;
    }
    return true;
  };

  async function forward(req: IncomingMessage, res: ServerResponse, path: string, upstreamPath: string): Promise<void> {
    const read = await readBody(req, { maxBytes, timeoutMs });
    if (!read.ok) {
      // the rest of the body is never read: close instead of draining it
      refuse(res, read.status, read.status === 413 ? 'RequestEntityTooLarge' : 'InvalidRequestException', read.message, { connection: 'close' });
      return;
    }

    // a client that goes away cancels the upstream call
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort(new Error('client closed the connection'));
    };
    res.once('close', onClose);
    try {
      const answer = await deps.client.post(upstreamPath, read.body.toString('utf8'), gone.signal, { timestampHeader: false });
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const v = answer.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(answer.body));
      res.writeHead(answer.statusCode, headers);
      res.end(answer.body);
      log.debug({ path, status: answer.statusCode }, 'sampling request forwarded');
    } catch (err) {
      if (gone.signal.aborted) return;
      if (err instanceof CredentialsUnavailableError) {
        // logged once per episode by the credential health tracker; the SDK gets the reason
        sendJson(res, 502, { __type: 'CredentialsUnavailable', Message: `xrayd could not sign the request: ${err.message}` });
        return;
      }
      const timedOut = classifyFailure({ error: err }) === 'timeout';
      upstreamWarning.add(1, { path, error: describeError(err) });
      sendJson(res, timedOut ? 504 : 502, {
        __type: timedOut ? 'UpstreamTimeout' : 'UpstreamUnavailable',
        Message: `AWS X-Ray ${timedOut ? 'did not answer in time' : 'could not be reached'}: ${describeError(err)}`,
      });
    } finally {
      res.off('close', onClose);
    }
  }
}
