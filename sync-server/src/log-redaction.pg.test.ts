import { describePg, postgresEngine } from './testing/db.ts';
import { logRedactionSuite } from './log-redaction.suite.ts';

describePg('Postgres', () => logRedactionSuite(postgresEngine));
