import { pgliteEngine } from '../testing/db.ts';
import { webhookSuite } from './webhooks.suite.ts';

webhookSuite(pgliteEngine);
