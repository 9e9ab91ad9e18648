/**
 * `npm run bench -- <name>`: runs one benchmark and prints its figures as
 * JSON on stdout (progress goes to stderr).
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<unknown> }>> = {
  write: () => import('./write.ts'),
  app: () => import('./app.ts'),
  shapes: () => import('./shapes.ts'),
};

const name = process.argv[2];
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>\n`);
  process.exit(2);
}
const result = await (await load()).run();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
