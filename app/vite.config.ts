import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The app is served by sync-server from app/dist on the same origin as the
// APIs; in `vite dev` the API paths are proxied to a running sync-server.
const API = 'http://localhost:3000';

export default defineConfig({
  plugins: [
    react(),
    // Installable, and the app shell with PGlite's wasm and data precached so the
    // app starts with no network after one visit (docs/app.md). Server paths are
    // never cached: /api and /v1 answers depend on the session.
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'StreamFlow',
        short_name: 'StreamFlow',
        description: 'Offline-first CRM and field service',
        start_url: '/',
        display: 'standalone',
        theme_color: '#1f4e79',
        background_color: '#ffffff',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,wasm,data}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/v1\//, /^\/healthz/, /^\/readyz/, /^\/metrics/],
        runtimeCaching: [],
      },
    }),
  ],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  // The local database runs in a module worker (app/src/local-db/worker.ts).
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  server: {
    proxy: { '/api': API, '/v1': API, '/healthz': API },
  },
});
