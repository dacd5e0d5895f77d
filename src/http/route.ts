import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One feature served on the TCP port (health, metrics, sampling proxy, local X-Ray API, console).
 * A route returns true when it handled the request; the server tries routes in order and answers
 * 404 when none did. Routes must answer every request they claim, including errors.
 */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
