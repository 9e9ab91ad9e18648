// Proves that the import-boundary rules in eslint.config.js actually fire.
//
// Fixture files live in tools/lint-fixtures/<pkg>/src/*.ts (ignored by the main lint run). Each is
// linted with lintText() under a *virtual* path inside the real package (e.g. app/src/…), so the
// real per-package globs apply. Type-aware linting is switched off for these virtual files: they
// are not on disk, so no tsconfig project could contain them, and the rules checked here are
// purely syntactic.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = path.join(repoRoot, 'tools', 'lint-fixtures');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: path.join(repoRoot, 'eslint.config.js'),
    overrideConfig: [tseslint.configs.disableTypeChecked as Linter.Config],
  });
});

function fixture(relPath: string): string {
  return readFileSync(path.join(fixturesDir, relPath), 'utf8');
}

async function lint(code: string, virtualPath: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, virtualPath) });
  if (!result) throw new Error(`no lint result for ${virtualPath}`);
  // A fatal message (parse error, bad config) would silently make every assertion vacuous.
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages;
}

async function boundaryErrors(code: string, virtualPath: string): Promise<string[]> {
  const messages = await lint(code, virtualPath);
  return messages
    .filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2)
    .map((m) => m.message);
}

describe('import boundaries (eslint no-restricted-imports)', () => {
  it('app must not import sync-server (by name or relative path)', async () => {
    const errors = await boundaryErrors(fixture('app/src/bad-import.ts'), 'app/src/__fixture__.ts');
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e).toContain('app must not import sync-server');
      expect(e).toContain('CONVENTIONS.md');
    }
  });

  it('sync-server must not import app (by name or relative path)', async () => {
    const errors = await boundaryErrors(
      fixture('sync-server/src/bad-import.ts'),
      'sync-server/src/__fixture__.ts',
    );
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toContain('sync-server must not import app');
  });

  it('schema must not import any @streamflow package', async () => {
    const errors = await boundaryErrors(
      fixture('schema/src/bad-import.ts'),
      'schema/src/__fixture__.ts',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('schema must not import any @streamflow/* package');

    for (const pkg of ['schema', 'sync-server', 'app']) {
      const more = await boundaryErrors(
        `import * as x from '@streamflow/${pkg}';\nexport const y = x;\n`,
        'schema/src/nested/__fixture__.ts',
      );
      expect(more, pkg).toHaveLength(1);
    }
    const relative = await boundaryErrors(
      `import * as x from '../../shapes/src/index.ts';\nexport const y = x;\n`,
      'schema/src/__fixture__.ts',
    );
    expect(relative).toEqual([expect.stringContaining('schema must not import shapes')]);
  });

  it('shapes must not import sync-server (nor app)', async () => {
    const errors = await boundaryErrors(
      fixture('shapes/src/bad-import.ts'),
      'shapes/src/__fixture__.ts',
    );
    expect(errors).toEqual([expect.stringContaining('shapes must not import sync-server')]);

    const app = await boundaryErrors(
      `import * as x from '@streamflow/app';\nexport const y = x;\n`,
      'shapes/src/__fixture__.ts',
    );
    expect(app).toEqual([expect.stringContaining('shapes must not import app')]);
  });

  it('allows the permitted direction (app -> schema, shapes)', async () => {
    const messages = await lint(fixture('app/src/good-import.ts'), 'app/src/__fixture__.ts');
    expect(messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);

    const shapesToSchema = await boundaryErrors(
      `import * as x from '@streamflow/schema';\nexport const y = x;\n`,
      'shapes/src/__fixture__.ts',
    );
    expect(shapesToSchema).toEqual([]);
  });

  it('does not flag a local folder that merely shares a package name', async () => {
    const errors = await boundaryErrors(
      `import { a } from '../app/routes.ts';\nimport { b } from './sync-server.ts';\nexport const y = [a, b];\n`,
      'sync-server/src/routes/__fixture__.ts',
    );
    expect(errors).toEqual([]);
  });
});

describe('environment access', () => {
  const readsEnv = `export const port = process.env.PORT;\n`;
  const readsViteEnv = `export const url = import.meta.env.VITE_API_URL;\n`;

  async function ruleIds(code: string, virtualPath: string): Promise<string[]> {
    return (await lint(code, virtualPath)).map((m) => m.ruleId ?? '');
  }

  it('forbids process.env outside the allowed files', async () => {
    expect(await ruleIds(readsEnv, 'sync-server/src/routes/__fixture__.ts')).toContain(
      'no-restricted-properties',
    );
    expect(await ruleIds(readsEnv, 'app/src/__fixture__.ts')).toContain('no-restricted-properties');
  });

  it('allows process.env in env.ts, cli/, scripts/ and tests', async () => {
    for (const p of [
      'sync-server/src/env.ts',
      'sync-server/src/main.ts',
      'sync-server/src/cli/__fixture__.ts',
      'scripts/__fixture__.ts',
      'sync-server/src/__fixture__.test.ts',
    ]) {
      expect(await ruleIds(readsEnv, p), p).not.toContain('no-restricted-properties');
    }
  });

  it('forbids import.meta.env in app except app/src/config.ts', async () => {
    expect(await ruleIds(readsViteEnv, 'app/src/__fixture__.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(readsViteEnv, 'app/src/config.ts')).not.toContain('no-restricted-syntax');
  });
});
