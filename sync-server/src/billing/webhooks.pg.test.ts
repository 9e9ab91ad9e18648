import { describePg, postgresEngine } from '../testing/db.ts';
import { webhookSuite } from './webhooks.suite.ts';

describePg('billing webhooks on Postgres', () => webhookSuite(postgresEngine));
