import { describePg, postgresEngine } from '../testing/db.ts';
import { conformanceSuite } from './conformance.suite.ts';

describePg('shape engine conformance (Postgres)', () => conformanceSuite(postgresEngine));
