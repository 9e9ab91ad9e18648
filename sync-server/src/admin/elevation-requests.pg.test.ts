import { describePg, postgresEngine } from '../testing/db.ts';
import { elevationRequestsSuite } from './elevation-requests.suite.ts';

describePg('Postgres', () => elevationRequestsSuite(postgresEngine));
