import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { conformanceSuite } from './conformance.suite.ts';

describe('shape engine conformance (PGlite)', () => conformanceSuite(pgliteEngine));
