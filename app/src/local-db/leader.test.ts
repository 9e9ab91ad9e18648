import type { LiveNamespace } from '@electric-sql/pglite/live';
import { describe, expect, it } from 'vitest';
import { isLeaderChanged, leaderView } from './leader.ts';

/** PGlite's LeaderChangedError message (src/worker/index.ts). */
const leaderChanged = () => new Error('Leader changed, pending operation in indeterminate state');

/** A stand-in for PGliteWorker (not our code): the first `failures` calls are cut by a hand-over. */
function handOver(failures: number) {
  const ran: string[] = [];
  let left = failures;
  const db = {
    get waitReady() {
      return Promise.resolve();
    },
    onLeaderChange: () => () => {},
    async query(sql: string) {
      ran.push(sql);
      if (left-- > 0) throw leaderChanged();
      return { rows: [{ sql }] };
    },
    live: {
      async query() {
        ran.push('live');
        if (left-- > 0) throw leaderChanged();
        return { initialResults: { rows: [], fields: [] }, subscribe() {}, async unsubscribe() { throw new Error('prepared statement "live_query_x_get" does not exist'); }, async refresh() {} };
      },
    } as unknown as LiveNamespace,
  };
  return { db, ran };
}

describe('leaderView', () => {
  it('runs a read cut by a leader change again on the new leader', async () => {
    const { db, ran } = handOver(2);
    await expect(leaderView(db).query('SELECT 1')).resolves.toEqual({ rows: [{ sql: 'SELECT 1' }] });
    expect(ran).toEqual(['SELECT 1', 'SELECT 1', 'SELECT 1']);
  });

  it('never runs a write again: the old leader may have committed it', async () => {
    const { db, ran } = handOver(1);
    const err = await leaderView(db).query('UPDATE work_orders SET status = $2 WHERE id = $1').catch((e: unknown) => e);
    expect(isLeaderChanged(err)).toBe(true);
    expect(ran).toHaveLength(1);
  });

  it('sets a live query up again after a leader change, and stopping one whose session is gone is quiet', async () => {
    const { db, ran } = handOver(1);
    const q = await leaderView(db).live.query('SELECT 1', []);
    expect(ran).toEqual(['live', 'live']);
    await expect(q.unsubscribe()).resolves.toBeUndefined();
  });

  it('is a new object per leader, so hooks keyed on it set up again', () => {
    const { db } = handOver(0);
    expect(leaderView(db)).not.toBe(leaderView(db));
  });
});
