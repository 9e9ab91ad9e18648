import { pgliteEngine } from '../testing/db.ts';
import { billingRoutesSuite } from './billing-routes.suite.ts';

billingRoutesSuite(pgliteEngine);
