import { pgliteEngine } from '../testing/db.ts';
import { elevationRequestsSuite } from './elevation-requests.suite.ts';

elevationRequestsSuite(pgliteEngine);
