import { describePg, postgresEngine } from '../testing/db.ts';
import { staffReadsSuite } from './staff-reads.suite.ts';

describePg('Postgres', () => staffReadsSuite(postgresEngine));
