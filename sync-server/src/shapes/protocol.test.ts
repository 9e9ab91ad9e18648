import { describe } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import { protocolSuite } from './protocol.suite.ts';

describe('shape protocol and isolation (PGlite)', () => protocolSuite(pgliteEngine));
