/// <reference lib="webworker" />
import { PGlite } from '@electric-sql/pglite';
import { worker } from '@electric-sql/pglite/worker';
import { electricSync } from '@electric-sql/pglite-sync';
import type { ShapeName } from '@streamflow/shapes';
import { startSyncLoop } from '../sync/shape-sync.ts';
import { startUploader } from '../sync/uploader.ts';
import { applyClientMigrations } from './migrate.ts';

/*
 * The local database, shared by every tab of this user and tenant: PGlite's
 * worker protocol elects one leader tab, and only the leader's worker runs
 * `init`, so only it opens the IndexedDB store, syncs shapes and uploads the
 * outbox. When the leader tab closes, another tab's worker takes over.
 */

const MIGRATIONS = import.meta.glob<string>('../../../migrations/client/*.sql', { query: '?raw', import: 'default', eager: true });

export interface LocalDbMeta {
  origin: string;
  shapes: ShapeName[];
}

void worker({
  async init(options) {
    const meta = options.meta as LocalDbMeta;
    // Full durability: a local change is on disk before the UI shows it saved.
    const pg = await PGlite.create({ dataDir: options.dataDir, extensions: { sync: electricSync() } });
    await applyClientMigrations(pg, MIGRATIONS);

    const setPhase = async (phase: string, detail?: string) => {
      await pg.query(
        `INSERT INTO local_meta (key, value) VALUES ('sync_phase', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [detail ? `${phase}:${detail.slice(0, 200)}` : phase],
      );
    };
    startSyncLoop(pg, { origin: meta.origin, shapes: meta.shapes, onPhase: (p, d) => void setPhase(p, d) });

    // The uploader: kicked by local writes (the outbox trigger's NOTIFY), on reconnect, and by a slow timer.
    const uploader = startUploader({ pg, baseUrl: meta.origin });
    await pg.listen('outbox_changed', () => uploader.kick());
    self.addEventListener('online', () => uploader.kick());
    setInterval(() => uploader.kick(), 5_000);
    uploader.kick();
    return pg;
  },
});
