# One image for every smsgate service; APP picks which one runs (ingress, dispatcher, smpp-binds,
# dlr-tracker, cht-relay). The migration job runs `node dist/libs/db/src/migrate.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc.json ./
COPY scripts/build.mjs scripts/
COPY apps apps
COPY libs libs
RUN node scripts/build.mjs

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production APP=ingress
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/$APP/src/main.js"]
