import { DEFAULT_ROLE_KEYS, DEFAULT_ROLES, PERMISSIONS } from '@streamflow/schema';

/** The default role matrix as a Markdown table (docs/spaces-and-roles.md embeds it; a test keeps them equal). */
export function roleMatrixMarkdown(): string {
  const head = `| permission | ${DEFAULT_ROLE_KEYS.join(' | ')} |`;
  const rule = `|---|${DEFAULT_ROLE_KEYS.map(() => ':-:').join('|')}|`;
  const rows = PERMISSIONS.map(
    (p) => `| \`${p}\` | ${DEFAULT_ROLE_KEYS.map((k) => ((DEFAULT_ROLES[k].permissions as string[]).includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${roleMatrixMarkdown()}\n`);
