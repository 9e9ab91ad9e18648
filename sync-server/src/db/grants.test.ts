import { pgliteEngine } from '../testing/db.ts';
import { grantsSuite } from './grants.suite.ts';

grantsSuite(pgliteEngine);
