# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript (and the console), then keep only runtime deps.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev

# Runtime stage: the compiled daemon and its production dependencies, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
EXPOSE 2000/udp 2000/tcp
# As the reference image does: listen on all interfaces inside the container, so a published port reaches it
# (`docker run -p 2000:2000/udp -p 2000:2000/tcp`). With the relay (default backend) that is what sidecars need.
# With `--backend local` it exposes an unauthenticated trace store and sampling-rule API to whoever reaches the
# published port: xrayd logs a warning at start; publish it to the host only (`-p 127.0.0.1:2000:2000`).
# Browsers on the host call it as localhost:2000, which the Host check accepts (README "Security").
ENTRYPOINT ["node", "/app/bin/xrayd", "-b", "0.0.0.0:2000", "-t", "0.0.0.0:2000"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:2000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
