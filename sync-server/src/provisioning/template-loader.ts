import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { industryTemplateSchema, type IndustryTemplate } from '@streamflow/schema';

/** The folder of the industry template files shipped with the server. */
export const TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/** A template file that is missing, unreadable or invalid; the message names the file and each problem. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The industries every deployment must offer (PRODUCT.md 3). */
export const REQUIRED_INDUSTRIES = ['construction', 'professional_services', 'healthcare', 'home_services'] as const;

export type TemplateRegistry = ReadonlyMap<string, IndustryTemplate>;

/**
 * Reads and validates every `*.json` template in `dir`. Throws a
 * `TemplateError` listing every problem of every broken file, so a bad
 * template stops start-up with a message naming what to fix.
 */
export function readTemplates(dir: string = TEMPLATES_DIR, required: readonly string[] = REQUIRED_INDUSTRIES): TemplateRegistry {
  const problems: string[] = [];
  const out = new Map<string, IndustryTemplate>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new TemplateError(`Industry templates: cannot read ${dir}: ${(err as Error).message}`);
  }
  for (const file of files) {
    const path = join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = industryTemplateSchema.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
      continue;
    }
    if (parsed.data.key !== basename(file, '.json')) {
      problems.push(`${file}: key "${parsed.data.key}" must match the file name`);
      continue;
    }
    out.set(parsed.data.key, parsed.data);
  }
  for (const key of required) if (!out.has(key) && !problems.some((p) => p.startsWith(`${key}.json`))) problems.push(`${key}.json: missing`);
  if (problems.length > 0) throw new TemplateError(`Invalid industry templates in ${dir}:\n  ${problems.join('\n  ')}`);
  return out;
}

const cache = new Map<string, TemplateRegistry>();

/** The validated templates, loaded once per folder and cached for the life of the process. */
export function loadTemplates(dir: string = TEMPLATES_DIR): TemplateRegistry {
  let registry = cache.get(dir);
  if (!registry) {
    registry = readTemplates(dir);
    cache.set(dir, registry);
  }
  return registry;
}
