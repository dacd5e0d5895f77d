# syntax=docker/dockerfile:1
# Node 26.12 on Debian trixie: the line and minor CI tests (packaging/node-runtimes.json).
# Build stage: install everything, compile TypeScript (and the console) and the native UDP receiver (C, needs gcc:
# the slim image has none; the runtime stage needs only the C library it already has), then keep only runtime deps.
FROM node:26.12-trixie-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev

# Runtime stage: the compiled daemon and its production dependencies, as a non-root user.
FROM node:26.12-trixie-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The disk spool: undelivered segments survive outages, restarts and crashes (mount a volume to keep them
# across container replacement). Owned by the unprivileged user the daemon runs as.
RUN mkdir -p /var/lib/xrayd && chown node:node /var/lib/xrayd
VOLUME /var/lib/xrayd
USER node
EXPOSE 2000/udp 2000/tcp
# As the reference image does: listen on all interfaces inside the container, so a published port reaches it
# (`docker run -p 2000:2000/udp -p 2000:2000/tcp`). With the relay (default backend) that is what sidecars need.
# With `--backend local` it exposes an unauthenticated trace store and sampling-rule API to whoever reaches the
# published port: xrayd logs a warning at start; publish it to the host only (`-p 127.0.0.1:2000:2000`).
# Browsers on the host call it as localhost:2000, which the Host check accepts (README "Security").
ENTRYPOINT ["node", "/app/bin/xrayd", "-b", "0.0.0.0:2000", "-t", "0.0.0.0:2000", "--spool-dir", "/var/lib/xrayd"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:2000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
