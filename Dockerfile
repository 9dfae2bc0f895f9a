# syntax=docker/dockerfile:1
# One Dockerfile, one small image per service: `--build-arg APP=<service>` picks which app of the build
# output goes in (ingress, dispatcher, smpp-binds, dlr-tracker, cht-relay, smpp-server, console). Every image also carries the
# migration runner: `node dist/libs/db/src/migrate.js` (the compose `migrate` job and the Kubernetes Job).
#   docker build --build-arg APP=ingress -t smsgate-ingress .
ARG NODE_IMAGE=node:20.19-bookworm-slim

# All dependencies, for the build.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Production dependencies only (no compilers, linters or test tools in the image).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# The build: every app and library compiled to dist/ (SWC), the same output `npm run build` makes.
FROM deps AS build
COPY tsconfig.base.json .swcrc.json ./
COPY scripts/build.mjs scripts/
COPY apps apps
COPY libs libs
RUN node scripts/build.mjs

FROM ${NODE_IMAGE} AS runtime
ARG APP
# A 64 MiB young generation: the services allocate a short-lived object or buffer per event, and with
# Node's default (16 MiB) scavenges and promotions cost a tenth of their CPU (docs/operations.md).
ENV NODE_ENV=production \
    APP=${APP} \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=32"
WORKDIR /app
RUN test -n "$APP" || (echo "build with --build-arg APP=<service>" >&2; exit 1)
COPY --from=prod-deps --chown=root:root /app/node_modules node_modules
COPY --chown=root:root package.json ./
# Only this app and the libraries; compiled paths stay as in dist/ so relative imports resolve.
COPY --from=build --chown=root:root /app/dist/libs dist/libs
COPY --from=build --chown=root:root /app/dist/apps/${APP} dist/apps/${APP}
RUN printf "require('./apps/%s/src/main.js');\n" "$APP" > dist/main.js
# The files belong to root and are read-only for the service user; it writes nothing (logs go to stdout),
# so the container also runs with a read-only root filesystem.
USER node
EXPOSE 8080 8081 8082 8083 8084 8085 8086
# PORT when set, else the service's default port (docs/configuration.md).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const d={ingress:8080,dispatcher:8081,'smpp-binds':8082,'dlr-tracker':8083,'cht-relay':8084,'smpp-server':8085,console:8086};fetch('http://127.0.0.1:'+(process.env.PORT||d[process.env.APP])+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (readiness turns 503, work in hand finishes, offsets commit).
CMD ["node", "dist/main.js"]
