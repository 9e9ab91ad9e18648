import { describePg, postgresEngine } from '../testing/db.ts';
import { grantsSuite } from './grants.suite.ts';

describePg('Postgres', () => grantsSuite(postgresEngine));
