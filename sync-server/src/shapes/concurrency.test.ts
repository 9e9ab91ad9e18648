import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { concurrencySuite } from './concurrency.suite.ts';

describe('shape engine under concurrent writers (PGlite)', () => concurrencySuite(pgliteEngine));
