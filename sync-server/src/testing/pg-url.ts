/** The variable naming the Postgres the `*.pg.test.ts` suites run on. */
export const TEST_DATABASE_URL_ENV = 'TEST_DATABASE_URL';

/** The same server's maintenance database, for CREATE/DROP DATABASE. */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}
