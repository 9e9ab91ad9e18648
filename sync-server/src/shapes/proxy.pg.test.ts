import { describePg, postgresEngine } from '../testing/db.ts';
import { proxySuite } from './proxy.suite.ts';

describePg('proxy mode against a second sync-server (Postgres)', () => proxySuite(postgresEngine));
