import { describePg, postgresEngine } from '../testing/db.ts';
import { crossTenantSuite } from './cross-tenant.suite.ts';

describePg('Postgres', () => crossTenantSuite(postgresEngine));
