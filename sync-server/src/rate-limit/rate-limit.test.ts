import { pgliteEngine } from '../testing/db.ts';
import { rateLimitSuite } from './rate-limit.suite.ts';

rateLimitSuite(pgliteEngine, 'memory');
rateLimitSuite(pgliteEngine, 'postgres');
