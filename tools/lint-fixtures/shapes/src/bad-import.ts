// shapes may only import @streamflow/schema.
import * as server from '@streamflow/sync-server';

export const leaked = server;
