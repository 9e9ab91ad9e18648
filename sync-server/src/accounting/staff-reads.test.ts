import { pgliteEngine } from '../testing/db.ts';
import { staffReadsSuite } from './staff-reads.suite.ts';

staffReadsSuite(pgliteEngine);
