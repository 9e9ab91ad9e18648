import { describePg, postgresEngine } from '../testing/db.ts';
import { writeSuite } from './write.suite.ts';

describePg('Postgres', () => writeSuite(postgresEngine));
