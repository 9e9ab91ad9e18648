# sync-server with the built app, for docker compose and container hosts.
FROM node:20-bookworm-slim
WORKDIR /srv/streamflow
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY schema/package.json schema/
COPY shapes/package.json shapes/
COPY sync-server/package.json sync-server/
COPY app/package.json app/
# Dev dependencies are needed to build the app (vite); the server runs through tsx.
RUN npm ci --include=dev
COPY . .
RUN npm run build
EXPOSE 3000
CMD ["npm", "run", "start", "-w", "@streamflow/sync-server"]
