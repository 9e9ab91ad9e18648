import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { observabilitySuite } from './observability.suite.ts';

describe('shape metrics and retention (PGlite)', () => observabilitySuite(pgliteEngine));
