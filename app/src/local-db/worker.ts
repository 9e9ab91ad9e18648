/// <reference lib="webworker" />
import { PGlite } from '@electric-sql/pglite';
import { worker } from '@electric-sql/pglite/worker';
import { electricSync, type PGliteWithSync } from '@electric-sql/pglite-sync';
import { startSyncLoop } from '../sync/shape-sync.ts';
import { startUploader } from '../sync/uploader.ts';
import { createStatusWriter, KICK_CHANNEL, parseKick } from '../sync/sync-state.ts';
import { applyClientMigrations } from './migrate.ts';
import { startErrorChannel, storeNameOf, type LocalDbMeta } from './names.ts';
import { prepareStore } from './store-files.ts';

/*
 * The local database, shared by every tab of this user and tenant: PGlite's
 * worker protocol elects one leader tab, and only the leader's worker runs
 * `init`, so only it opens the IndexedDB store, syncs shapes and uploads the
 * outbox. When the leader tab closes, another tab's worker takes over.
 * Tabs talk to it through the database: `pg_notify('sync_kick', ...)`
 * (sync-state.ts) for "back online", "offline" and "upload now".
 */

const MIGRATIONS = import.meta.glob<string>('../../../migrations/client/*.sql', { query: '?raw', import: 'default', eager: true });

void worker({
  async init(options) {
    const meta = options.meta as LocalDbMeta;
    try {
      // A store whose first start was cut (a reload during initdb) is created again (store-files.ts).
      const created = await prepareStore(storeNameOf(String(options.dataDir)));
      // Full durability: a local change is on disk before the UI shows it saved.
      const pg = await PGlite.create({ dataDir: options.dataDir, extensions: { sync: electricSync() } });
      await applyClientMigrations(pg, MIGRATIONS);
      await created();
      startSync(pg, meta);
      return pg;
    } catch (err) {
      const channel = new BroadcastChannel(startErrorChannel(String(options.id ?? options.dataDir)));
      channel.postMessage({ message: err instanceof Error ? err.message : String(err) });
      channel.close();
      throw err;
    }
  },
});

function startSync(pg: PGliteWithSync, meta: LocalDbMeta): void {
  const status = createStatusWriter(pg);
  void status.starting();

  // The worker's own view of the network, corrected by the tabs (their window events are the
  // ones a browser test's setOffline() drives).
  let online = navigator.onLine;
  const isOnline = () => online;

  const loop = startSyncLoop(pg, {
    origin: meta.origin,
    shapes: meta.shapes,
    online: isOnline,
    onPhase: (phase, detail) => void status.phase(phase, detail),
    onSessionEnded: () => void status.sessionEnded(),
  });

  // The uploader: kicked by local writes (the outbox trigger's NOTIFY), on reconnect, by "upload
  // now", and by a slow timer; paused while offline.
  const uploader = startUploader({
    pg,
    baseUrl: meta.origin,
    online: isOnline,
    onOutcome: (o) => {
      void status.upload(o);
      if (o.kind === 'unauthorized' && o.status === 401) void status.sessionEnded();
    },
  });
  const backOnline = () => {
    online = true;
    uploader.kick(true);
    loop.kick();
  };
  const wentOffline = () => {
    online = false;
  };
  self.addEventListener('online', backOnline);
  self.addEventListener('offline', wentOffline);
  void pg.listen('outbox_changed', () => uploader.kick());
  void pg.listen(KICK_CHANNEL, (payload) => {
    const kick = parseKick(payload);
    if (kick === 'online') backOnline();
    else if (kick === 'offline') wentOffline();
    else if (kick === 'flush') {
      uploader.kick(true);
      loop.kick();
    }
  });
  setInterval(() => uploader.kick(), 5_000);
}
