import { pgliteEngine } from '../testing/db.ts';
import { databaseSuite } from './database.suite.ts';

databaseSuite(pgliteEngine);
