import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

/**
 * Serves `fetch` (a Hono app's) on a free loopback port, for tests that drive
 * the real clients over HTTP. `close()` ends held long-polls too.
 */
export async function listenOnLoopback(fetch: (req: Request) => Response | Promise<Response>): Promise<{ origin: string; close(): Promise<void> }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
