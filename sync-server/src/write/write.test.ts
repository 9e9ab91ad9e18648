import { pgliteEngine } from '../testing/db.ts';
import { writeSuite } from './write.suite.ts';

writeSuite(pgliteEngine);
