import { describePg, postgresEngine } from '../testing/db.ts';
import { writePropertiesSuite } from './write-properties.suite.ts';

describePg('Postgres', () => writePropertiesSuite(postgresEngine));
