import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PERMISSIONS, rolePermissionList } from '@streamflow/schema';
import { loadTemplates, readTemplates, REQUIRED_INDUSTRIES, TEMPLATES_DIR, TemplateError } from './template-loader.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder holding the shipped templates, with `edit` applied to home_services. */
function folderWith(edit: (t: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-templates-'));
  dirs.push(dir);
  for (const key of REQUIRED_INDUSTRIES) {
    const t = JSON.parse(readFileSync(join(TEMPLATES_DIR, `${key}.json`), 'utf8')) as Record<string, unknown>;
    if (key === 'home_services') edit(t);
    writeFileSync(join(dir, `${key}.json`), JSON.stringify(t));
  }
  return dir;
}

describe('industry templates', () => {
  it('ships the four required industries, valid, with an all-permission owner', () => {
    const templates = readTemplates();
    expect([...templates.keys()].sort()).toEqual([...REQUIRED_INDUSTRIES].sort());
    for (const t of templates.values()) {
      const owner = t.roles.find((r) => r.key === 'owner');
      expect(owner && rolePermissionList(owner)).toEqual([...PERMISSIONS]);
      expect(t.workOrders.transitions[t.workOrders.initial]?.length).toBeGreaterThan(0);
    }
  });

  it('loads once and serves the cached registry afterwards', () => {
    expect(loadTemplates()).toBe(loadTemplates());
  });

  it('rejects a transition to an unknown status, naming the file and the path', () => {
    const dir = folderWith((t) => {
      (t.workOrders as { transitions: Record<string, string[]> }).transitions.scheduled = ['teleported'];
    });
    expect(() => readTemplates(dir)).toThrow(TemplateError);
    expect(() => readTemplates(dir)).toThrow(/home_services\.json: workOrders\.transitions\.scheduled: "teleported" is not a status/);
  });

  it('rejects an unknown permission, a missing owner and broken JSON', () => {
    const badPerm = folderWith((t) => {
      (t.roles as { permissions: unknown }[])[1]!.permissions = ['leads.fly'];
    });
    expect(() => readTemplates(badPerm)).toThrow(/not in the permission registry/);
    const noOwner = folderWith((t) => {
      t.roles = (t.roles as { key: string }[]).filter((r) => r.key !== 'owner');
    });
    expect(() => readTemplates(noOwner)).toThrow(/needs an "owner" role/);
    const dir = folderWith(() => {});
    writeFileSync(join(dir, 'construction.json'), '{ not json');
    expect(() => readTemplates(dir)).toThrow(/construction\.json: not valid JSON/);
  });

  it('rejects a form naming a custom field the template does not define, and a missing industry', () => {
    const dir = folderWith((t) => {
      (t.forms as { fields: string[] }[])[0]!.fields.push('custom.nope');
    });
    expect(() => readTemplates(dir)).toThrow(/"custom\.nope" is not a custom field of leads/);
    rmSync(join(dir, 'healthcare.json'));
    expect(() => readTemplates(dir)).toThrow(/healthcare\.json: missing/);
  });
});
