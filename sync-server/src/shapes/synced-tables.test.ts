import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { syncedTablesSuite } from './synced-tables.suite.ts';

describe('synced tables (PGlite)', () => syncedTablesSuite(pgliteEngine));
