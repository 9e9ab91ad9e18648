import { describePg, postgresEngine } from '../testing/db.ts';
import { principalCacheSuite } from './principal-cache.suite.ts';

describePg('Postgres', () => principalCacheSuite(postgresEngine));
