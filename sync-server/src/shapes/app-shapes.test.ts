import { pgliteEngine } from '../testing/db.ts';
import { appShapesSuite } from './app-shapes.suite.ts';

appShapesSuite(pgliteEngine);
