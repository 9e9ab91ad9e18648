import { pgliteEngine } from '../testing/db.ts';
import { demoSeedSuite } from './demo.suite.ts';

demoSeedSuite(pgliteEngine);
