import { describePg, postgresEngine } from '../testing/db.ts';
import { concurrencySuite } from './concurrency.suite.ts';

describePg('shape engine under concurrent writers (Postgres)', () => concurrencySuite(postgresEngine));
