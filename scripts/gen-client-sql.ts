import { writeFileSync } from 'node:fs';
import { clientSchemaSql } from '../app/src/local-db/ddl.ts';

/** Regenerates migrations/client/0001_local_store.sql from the drizzle tables. */
const path = new URL('../migrations/client/0001_local_store.sql', import.meta.url);
writeFileSync(path, clientSchemaSql());
process.stdout.write(`wrote ${path.pathname}\n`);
