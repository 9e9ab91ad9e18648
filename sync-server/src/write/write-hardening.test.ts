import { pgliteEngine } from '../testing/db.ts';
import { writeHardeningSuite } from './write-hardening.suite.ts';

writeHardeningSuite(pgliteEngine);
