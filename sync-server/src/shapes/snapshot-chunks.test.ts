import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { snapshotChunksSuite } from './snapshot-chunks.suite.ts';

describe('first snapshots in chunks (PGlite)', () => snapshotChunksSuite(pgliteEngine));
