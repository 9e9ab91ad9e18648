import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served by sync-server from app/dist on the same origin as the
// APIs; in `vite dev` the API paths are proxied to a running sync-server.
const API = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  // The local database runs in a module worker (app/src/local-db/worker.ts).
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  server: {
    proxy: { '/api': API, '/v1': API, '/healthz': API },
  },
});
