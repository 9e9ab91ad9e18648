import { pgliteEngine } from '../testing/db.ts';
import { adminSuite } from './admin.suite.ts';

adminSuite(pgliteEngine);
