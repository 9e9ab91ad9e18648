// sync-server must never depend on the app.
import * as app from '@streamflow/app';
import { config } from '../../app/src/config.ts';

export const leaked = [app, config];
