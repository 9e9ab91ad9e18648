import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { proxySuite } from './proxy.suite.ts';

describe('proxy mode against a second sync-server (PGlite)', () => proxySuite(pgliteEngine));
