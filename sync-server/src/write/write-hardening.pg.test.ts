import { describePg, postgresEngine } from '../testing/db.ts';
import { writeHardeningSuite } from './write-hardening.suite.ts';

describePg('Postgres', () => writeHardeningSuite(postgresEngine));
