import { pgliteEngine } from '../testing/db.ts';
import { registerSuite } from './register.suite.ts';

registerSuite(pgliteEngine);
