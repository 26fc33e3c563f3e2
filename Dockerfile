# Paperboy's image: compile with dev dependencies, ship only production ones, run as the non-root `node` user (uid 1000).
# CI builds and runs it with podman (scripts/check-image.sh). With podman, build with `--format docker`:
# the default OCI format has no HEALTHCHECK, and the one below would be dropped.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# python3, make and g++ build better-sqlite3 when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# `npm ci` also compiles src/ into dist/ (the prepare script). Then only what runs is kept:
# - typescript survives the prune as an optional peer of cosmiconfig (mjml → htmlnano → cosmiconfig), which
#   loads it only for a `.ts` config file; nothing here has one (23 MB);
# - better-sqlite3 keeps its compiled addon and lib/, not its SQLite sources and build objects (28 MB).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . && rm -rf build deps src \
 && mkdir -p build/Release && mv better_sqlite3.node build/Release/

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PAPERBOY_DB=/data/paperboy.db \
    PAPERBOY_OUTBOX=/data/outbox \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY templates ./templates
COPY data/sample ./data/sample
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Says what to do when a host folder mounted on /data is not writable by uid 1000, then runs the command.
ENTRYPOINT ["/app/bin/container-entrypoint.sh"]
# Asks the port the server listens on: PORT may be set at `docker run`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/paperboy.js", "serve"]
