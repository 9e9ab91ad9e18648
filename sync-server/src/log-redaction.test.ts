import { pgliteEngine } from './testing/db.ts';
import { logRedactionSuite } from './log-redaction.suite.ts';

logRedactionSuite(pgliteEngine);
