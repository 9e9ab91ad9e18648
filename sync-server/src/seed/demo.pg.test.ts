import { describePg, postgresEngine } from '../testing/db.ts';
import { demoSeedSuite } from './demo.suite.ts';

describePg('Postgres', () => demoSeedSuite(postgresEngine));
