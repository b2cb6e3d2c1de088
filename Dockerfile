# syntax=docker/dockerfile:1
# The alertscale image: one image for every role (receiver, exporter, worker, stress, check);
# docker-compose.yml picks the role with the command, e.g. `receiver --config …`.
# The deps stage installs production dependencies only (its `prepare` skips the build: no src/
# there yet, so a source change does not reinstall them), the build stage compiles src/ into dist/
# with esbuild (a production dependency), and the runtime stage copies both next to the sources
# and runs as the unprivileged `node` user.

ARG NODE_IMAGE=node:20.19.0-bookworm-slim

# ---- production node_modules (npm ci --omit=dev), built apart so the runtime has no npm cache
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- dist/: the compiled JavaScript bin/alertscale.js runs
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY prometheus ./prometheus
COPY alertmanager ./alertmanager
RUN npm run build

# ---- docker CLI and compose plugin, for the `compose` executor (static binaries)
FROM docker:27.5.1-cli AS docker-cli

# ---- runtime
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    # The compose stack's config; docker-compose.yml also mounts it at /etc/alertscale/alertscale.yml.
    ALERTSCALE_CONFIG=/app/docker/alertscale.compose.yml
WORKDIR /app
COPY --from=docker-cli /usr/local/bin/docker /usr/local/bin/docker
COPY --from=docker-cli /usr/local/libexec/docker/cli-plugins/docker-compose /usr/local/libexec/docker/cli-plugins/docker-compose
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Sources stay owned by root: the `node` user can read and run them, not change them.
COPY package.json package-lock.json tsconfig.json alertscale.yml docker-compose.yml Dockerfile ./
COPY bin ./bin
COPY src ./src
COPY docker ./docker
COPY prometheus ./prometheus
COPY alertmanager ./alertmanager
COPY grafana ./grafana
USER node
ENTRYPOINT ["node", "bin/alertscale.js"]
CMD ["--help"]
