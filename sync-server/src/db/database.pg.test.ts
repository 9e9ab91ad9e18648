import { describePg, postgresEngine } from '../testing/db.ts';
import { databaseSuite } from './database.suite.ts';

describePg('Postgres', () => databaseSuite(postgresEngine));
