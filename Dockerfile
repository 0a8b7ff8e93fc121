# Leadline image. Sources are TypeScript run directly by Node 22's type stripping, so there is no build
# stage: one stage resolves production dependencies, the final stage copies them with the sources and
# runs as the unprivileged `node` user under tini (signals reach Node, zombies are reaped).
#
#   docker build -t leadline .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://… leadline            # all roles
#   docker run --rm leadline start --role worker                                 # one role

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev also skips the `node` devDependency: the image's own Node 22 runs the app.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LEADLINE_HOME=/var/lib/leadline
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# LEADLINE_HOME holds media files (filesystem media store) and, without DATABASE_URL, embedded PostgreSQL.
RUN mkdir -p /var/lib/leadline && chown node:node /var/lib/leadline
VOLUME ["/var/lib/leadline"]
USER node
EXPOSE 3000
# /readyz: 200 while the database and the bus answer (also on workers, which serve health + metrics only).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/leadline.js"]
CMD ["start", "--role", "all"]
