import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl } from '../local-db/ddl.ts';
import { createStatusWriter, KICK_CHANNEL, parseKick, sendKick, SYNC_STATUS_SQL, toSyncStatus, type SyncStatusRow } from './sync-state.ts';

describe('sync state shared through the local database', () => {
  let pg: PGlite;
  const row = async () => (await pg.query<SyncStatusRow>(SYNC_STATUS_SQL)).rows[0];
  beforeAll(async () => {
    pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
  });
  afterAll(async () => {
    await pg.close();
  });

  it('starts as "starting" with nothing pending', async () => {
    expect(toSyncStatus(await row(), true)).toEqual({ online: true, phase: 'starting', pending: 0, conflicts: 0, rejected: 0, lastError: null });
  });

  it('counts pending, conflicting and rejected outbox entries', async () => {
    await pg.query(`insert into leads (name, status) values ('A', 'new'), ('B', 'new'), ('C', 'new')`);
    await pg.query(`update outbox set status = 'conflict' where seq = (select min(seq) from outbox)`);
    await pg.query(`update outbox set status = 'rejected' where seq = (select max(seq) from outbox)`);
    expect(toSyncStatus(await row(), true)).toMatchObject({ pending: 1, conflicts: 1, rejected: 1 });
  });

  it('records phase and errors from the worker, writes only changes, and clears the error when live', async () => {
    const writer = createStatusWriter(pg);
    await writer.starting();
    await writer.phase('syncing');
    expect(toSyncStatus(await row(), true)).toMatchObject({ phase: 'syncing', lastError: null });
    await writer.phase('error', 'wake answered 503');
    expect(toSyncStatus(await row(), true)).toMatchObject({ phase: 'error', lastError: 'wake answered 503' });
    await writer.upload({ kind: 'retry', status: 502, retryAfterMs: null });
    expect(toSyncStatus(await row(), true).lastError).toMatch(/502/);
    await writer.upload({ kind: 'sent', results: [] });
    await writer.phase('live');
    expect(toSyncStatus(await row(), true)).toMatchObject({ phase: 'live', lastError: null });

    let writes = 0;
    const counting = createStatusWriter({ query: (async (...args: Parameters<PGlite['query']>) => (writes++, pg.query(...args))) as PGlite['query'] });
    await counting.phase('live');
    await counting.phase('live');
    await counting.phase('live');
    expect(writes).toBe(2); // sync_phase and sync_error, once each
  });

  it('shows offline whatever the worker last said when the tab is offline, and ignores unknown phases', () => {
    const base = { pending: 2, conflicts: 0, rejected: 0, sync_error: null, upload_error: null };
    expect(toSyncStatus({ ...base, phase: 'live' }, false).phase).toBe('offline');
    expect(toSyncStatus({ ...base, phase: 'weird' }, true).phase).toBe('starting');
    expect(toSyncStatus(undefined, true).pending).toBe(0);
  });

  it('kicks reach a LISTEN on the same database', async () => {
    const got: string[] = [];
    const unlisten = await pg.listen(KICK_CHANNEL, (p) => got.push(p));
    await sendKick(pg, 'flush');
    await sendKick(pg, 'offline');
    await expect.poll(() => got).toEqual(['flush', 'offline']);
    expect(got.map(parseKick)).toEqual(['flush', 'offline']);
    expect(parseKick('rm -rf')).toBeNull();
    await unlisten();
  });
});
