import { describePg, postgresEngine } from '../testing/db.ts';
import { syncedTablesSuite } from './synced-tables.suite.ts';

describePg('synced tables (Postgres)', () => syncedTablesSuite(postgresEngine));
