import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import type { Route } from '../http/route.js';
import type { ConsoleFiles } from './console-files.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names bundled files `name-<hash>.ext`; their content never changes under that name. */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * The console is a static single-page app that talks only to the X-Ray API on the same origin;
 * the policy makes "nothing loaded from elsewhere" hold even if a dependency tried.
 */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * Serves the built web console (`dist/console/`, or embedded in the single executable): `GET /` is
 * index.html, `/assets/*` are the bundled files, and other top-level files (favicon) are served
 * when they exist in `files`.
 * Claims only those paths; every other path is left to the next route (the X-Ray API's POSTs).
 * Methods other than GET/HEAD on a claimed path get 405.
 */
export function createConsoleRoute(files: ConsoleFiles): Route {
  return async (req, res, url) => {
    const pathname = url.pathname;
    if (!claims(pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
      return true;
    }
    const relative = decodePath(pathname === '/' ? '/index.html' : pathname);
    if (relative === undefined) {
      sendText(res, 404, 'not found\n');
      return true;
    }
    const file = await files.get(relative);
    if (file === undefined) {
      if (pathname === '/' || pathname === '/index.html') {
        sendText(res, 503, 'the console is not built: run `npm run build` in the xrayd package\n');
        return true;
      }
      if (!pathname.startsWith('/assets/')) return false;
      sendText(res, 404, 'not found\n');
      return true;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(relative).toLowerCase()] ?? 'application/octet-stream',
      'content-length': file.size,
      'cache-control': HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'last-modified': file.mtime.toUTCString(),
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await pipeFile(file.open(), res);
    return true;
  };
}

/** Paths the console owns: the page, its assets, and plain top-level file names (favicon.svg). */
function claims(pathname: string): boolean {
  if (pathname === '/' || pathname.startsWith('/assets/')) return true;
  return /^\/[A-Za-z0-9_-]+\.[A-Za-z0-9]+$/.test(pathname) && CONTENT_TYPES[extname(pathname).toLowerCase()] !== undefined;
}

/** The URL path as a path relative to the console's root, or undefined when it is malformed. */
function decodePath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  return decoded.slice(1);
}

function pipeFile(stream: Readable, res: ServerResponse): Promise<void> {
  return new Promise((done) => {
    stream.on('error', () => {
      // Headers are out already; cutting the connection is the only honest signal left.
      res.destroy();
      done();
    });
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}
