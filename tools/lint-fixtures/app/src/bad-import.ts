// app must never depend on the server.
import { createApp } from '@streamflow/sync-server';
import { env } from '../../sync-server/src/env.ts';

export const leaked = [createApp, env];
