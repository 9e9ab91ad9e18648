import { describePg, postgresEngine } from '../testing/db.ts';
import { snapshotChunksSuite } from './snapshot-chunks.suite.ts';

describePg('first snapshots in chunks (Postgres)', () => snapshotChunksSuite(postgresEngine));
