import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The console is served by xrayd itself (src/console/console-route.ts) from dist/console/.
export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The OTLP → X-Ray translation (src/otlp/), shared with the daemon for opening OTLP files, imports node:crypto.
  resolve: { alias: { 'node:crypto': fileURLToPath(new URL('./src/shims/node-crypto.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config console/vite.config.ts` during development: the API is the daemon's.
    proxy: {
      '^/(TraceSummaries|Traces|ServiceGraph|TraceGraph)$': 'http://127.0.0.1:2000',
    },
  },
});
