import { describePg, postgresEngine } from '../testing/db.ts';
import { connectWebhookSuite } from './connect-webhooks.suite.ts';

describePg('billing connect webhooks on Postgres', () => connectWebhookSuite(postgresEngine));
