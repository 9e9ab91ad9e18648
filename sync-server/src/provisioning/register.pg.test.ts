import { describePg, postgresEngine } from '../testing/db.ts';
import { registerSuite } from './register.suite.ts';

describePg('Postgres', () => registerSuite(postgresEngine));
