# Image for the worker and the API (docker-compose.yml runs one container of each).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The compiler directly: `npm run build` goes through bootstrap.mjs, which would install a second time.
RUN node_modules/.bin/tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# The worker bundles the compiled workflow code (dist/workflows) at start-up.
COPY --from=build /app/dist ./dist
USER node
