import type { RequestTarget } from './auth.ts';

/** A mutation as the client sends it (PROTOCOL.md 2). */
export interface WireMutation {
  id: string;
  table: string;
  op: 'insert' | 'update' | 'delete';
  pk: { id: string };
  values: Record<string, unknown>;
  base: Record<string, unknown>;
  hlc?: string;
}

/** Builders for write-API mutations with fresh mutation ids. */
export const mutation = {
  insert: (table: string, values: Record<string, unknown> & { id: string }, hlc?: string): WireMutation => ({
    id: crypto.randomUUID(),
    table,
    op: 'insert',
    pk: { id: values.id },
    values,
    base: {},
    ...(hlc ? { hlc } : {}),
  }),
  update: (table: string, id: string, values: Record<string, unknown>, base: Record<string, unknown>, hlc?: string): WireMutation => ({
    id: crypto.randomUUID(),
    table,
    op: 'update',
    pk: { id },
    values,
    base,
    ...(hlc ? { hlc } : {}),
  }),
  delete: (table: string, id: string, base: Record<string, unknown> = {}, hlc?: string): WireMutation => ({
    id: crypto.randomUUID(),
    table,
    op: 'delete',
    pk: { id },
    values: {},
    base,
    ...(hlc ? { hlc } : {}),
  }),
};

/** An HLC stamp for tests: wall ms, counter, node. */
export const stamp = (wallMs: number, counter = 0, node = 'test') =>
  `${String(wallMs).padStart(15, '0')}:${String(counter).padStart(4, '0')}:${node}`;

/** POSTs a batch to /api/write; returns status and parsed body. */
export async function postWrite(
  app: RequestTarget,
  headers: Record<string, string>,
  mutations: WireMutation[],
  key: string = crypto.randomUUID(),
): Promise<{ status: number; body: { txid: string; results: Record<string, unknown>[]; error?: { code: string } }; key: string }> {
  const res = await app.request('/api/write', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ clientId: 'test-device', mutations }),
  });
  return { status: res.status, body: (await res.json()) as never, key };
}
