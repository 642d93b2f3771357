# FlavaFlav container image (docs/container.md: build, run, compose, health, backups).
#   docker build -t flavaflav:local .
#   docker run -d --name flavaflav --env-file .env -p 127.0.0.1:8080:8080 flavaflav:local
# .env sets DYNAMODB_ENDPOINT (a DynamoDB Local) or AWS_REGION (DynamoDB in AWS).
# Secrets come from the environment at run time; none is ever copied into a layer.

# --- build: compile TypeScript with the dev dependencies ---------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY scripts ./scripts
RUN npm run build

# --- run: production dependencies only, as the unprivileged node user --------------------------
FROM node:24-bookworm-slim AS run
ENV NODE_ENV=production \
    HEALTH_PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
# Without dev and optional dependencies: the embedded DynamoDB (Java) is not in the image, which
# always talks to DYNAMODB_ENDPOINT or to AWS.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The only place the process writes (checkpoints of npm run migrate:legacy).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/scripts/healthcheck.js"]
# node itself is PID 1 and handles SIGTERM: it drains interactions in flight, then exits 0.
CMD ["node", "dist/src/main.js"]
