import { pgliteEngine } from '../testing/db.ts';
import { connectWebhookSuite } from './connect-webhooks.suite.ts';

connectWebhookSuite(pgliteEngine);
