import { describePg, postgresEngine } from '../testing/db.ts';
import { jobsSuite } from './worker.suite.ts';

describePg('Postgres', () => jobsSuite(postgresEngine));
