import { pgliteEngine } from '../testing/db.ts';
import { jobsSuite } from './worker.suite.ts';

jobsSuite(pgliteEngine);
