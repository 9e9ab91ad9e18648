import { describePg, postgresEngine } from '../testing/db.ts';
import { writeSafetySuite } from './write-safety.suite.ts';

describePg('Postgres', () => writeSafetySuite(postgresEngine));
