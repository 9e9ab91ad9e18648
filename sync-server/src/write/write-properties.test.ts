import { pgliteEngine } from '../testing/db.ts';
import { writePropertiesSuite } from './write-properties.suite.ts';

writePropertiesSuite(pgliteEngine);
