import { describePg, postgresEngine } from '../testing/db.ts';
import { billingRoutesSuite } from './billing-routes.suite.ts';

describePg('billing routes (Postgres)', () => billingRoutesSuite(postgresEngine));
