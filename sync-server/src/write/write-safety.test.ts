import { pgliteEngine } from '../testing/db.ts';
import { writeSafetySuite } from './write-safety.suite.ts';

writeSafetySuite(pgliteEngine);
