import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleRoute } from '../../src/console/console-route.js';
import { builtConsoleDir, directoryConsoleFiles } from '../../src/console/console-files.js';
import { sendJson, type Route } from '../../src/http/route.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path byte for byte (no client-side normalisation), as an attacker would. */
function send(port: number, method: string, path: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** A server shaped like the daemon's: routes in order, 404 when none claims the request. */
async function serve(routes: Route[]): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of routes) if (await route(req, res, url)) return;
    sendJson(res, 404, { message: 'no route' });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

const INDEX = '<!doctype html><title>xrayd</title><script type="module" src="/assets/index-AbCd1234.js"></script>';
const SCRIPT = 'console.log("hello")';

describe('createConsoleRoute', () => {
  let base: string;
  let port: number;
  let server: Server;
  const apiRoute: Route = (req, res, url) => {
    if (req.method !== 'POST' || url.pathname !== '/TraceSummaries') return false;
    sendJson(res, 200, { TraceSummaries: [] });
    return true;
  };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'xrayd-console-'));
    const staticDir = join(base, 'console');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), INDEX);
    await writeFile(join(staticDir, 'assets', 'index-AbCd1234.js'), SCRIPT);
    await writeFile(join(staticDir, 'assets', 'index-Zz9_yy88.css'), 'body{margin:0}');
    await writeFile(join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(base, 'secret.txt'), 'do not serve');
    server = await serve([createConsoleRoute(directoryConsoleFiles(staticDir)), apiRoute]);
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(base, { recursive: true, force: true });
  });

  it('serves index.html at / without long-term caching', async () => {
    const answer = await send(port, 'GET', '/');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, INDEX);
    assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(answer.headers['cache-control'], 'no-cache');
    assert.match(String(answer.headers['content-security-policy']), /default-src 'self'/);
  });

  it('serves hashed assets with their content type and as immutable', async () => {
    const js = await send(port, 'GET', '/assets/index-AbCd1234.js');
    assert.equal(js.status, 200);
    assert.equal(js.body, SCRIPT);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const css = await send(port, 'GET', '/assets/index-Zz9_yy88.css?v=1');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const icon = await send(port, 'GET', '/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('answers HEAD with the headers and no body', async () => {
    const answer = await send(port, 'HEAD', '/assets/index-AbCd1234.js');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-length'], String(Buffer.byteLength(SCRIPT)));
    assert.equal(answer.body, '');
  });

  it('answers 404 for a missing asset', async () => {
    const answer = await send(port, 'GET', '/assets/nope-12345678.js');
    assert.equal(answer.status, 404);
    assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('never serves a file outside its directory', async () => {
    for (const path of [
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/%00index-AbCd1234.js',
      '/assets/%E0%A4%A',
      '/secret.txt',
      '/..%2fsecret.txt',
    ]) {
      const answer = await send(port, 'GET', path);
      assert.notEqual(answer.status, 200, path);
      assert.doesNotMatch(answer.body, /do not serve/, path);
    }
  });

  it('refuses other methods on its paths but leaves API paths to the next route', async () => {
    const post = await send(port, 'POST', '/');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    const api = await send(port, 'POST', '/TraceSummaries');
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), { TraceSummaries: [] });
    const other = await send(port, 'GET', '/healthz');
    assert.equal(other.status, 404);
    assert.deepEqual(JSON.parse(other.body), { message: 'no route' });
  });

  it('says so when the console has not been built', async () => {
    const bare = await serve([createConsoleRoute(directoryConsoleFiles(join(base, 'missing')))]);
    try {
      const answer = await send((bare.address() as AddressInfo).port, 'GET', '/');
      assert.equal(answer.status, 503);
      assert.match(answer.body, /npm run build/);
    } finally {
      await new Promise((done) => bare.close(done));
    }
  });

  it('finds the console that `npm run build` produced', async () => {
    const index = await readFile(join(builtConsoleDir(), 'index.html'), 'utf8');
    assert.match(index, /<div id="app">/);
    assert.match(index, /src="\/assets\/index-[A-Za-z0-9_-]+\.js"/);
  });
});
