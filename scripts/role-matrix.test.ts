import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roleMatrixMarkdown } from './gen-role-matrix.ts';

describe('docs/spaces-and-roles.md', () => {
  it('shows the default role matrix exactly as the code defines it', () => {
    const doc = readFileSync(new URL('../docs/spaces-and-roles.md', import.meta.url), 'utf8');
    const table = /<!-- role-matrix:start -->\n([\s\S]*?)\n<!-- role-matrix:end -->/.exec(doc)?.[1];
    expect(table).toBe(roleMatrixMarkdown());
  });
});
