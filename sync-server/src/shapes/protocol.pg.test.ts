import { describePg, postgresEngine } from '../testing/db.ts';
import { protocolSuite } from './protocol.suite.ts';

describePg('shape protocol and isolation (Postgres)', () => protocolSuite(postgresEngine));
