import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL from the table definitions; it never touches a
// live database (migrations are applied in-process by sync-server).
export default defineConfig({
  dialect: 'postgresql',
  schema: './schema/src/tables/*.ts',
  out: './migrations/server',
});
