import { describePg, postgresEngine } from '../testing/db.ts';
import { adminSuite } from './admin.suite.ts';

describePg('Postgres', () => adminSuite(postgresEngine));
