import { pgliteEngine } from '../testing/db.ts';
import { crossTenantSuite } from './cross-tenant.suite.ts';

crossTenantSuite(pgliteEngine);
