import { describePg, postgresEngine } from '../testing/db.ts';
import { observabilitySuite } from './observability.suite.ts';

describePg('shape metrics and retention (Postgres)', () => observabilitySuite(postgresEngine));
