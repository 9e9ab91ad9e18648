import { describePg, postgresEngine } from '../testing/db.ts';
import { rateLimitSuite } from './rate-limit.suite.ts';

describePg('Postgres', () => rateLimitSuite(postgresEngine, 'postgres'));
