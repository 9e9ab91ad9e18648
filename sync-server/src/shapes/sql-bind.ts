import { sql, type SQL } from 'drizzle-orm';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quotes a trusted identifier from a shape definition; refuses anything unusual. */
export function ident(name: string): SQL {
  if (!IDENT.test(name)) throw new Error(`shape engine: bad identifier ${JSON.stringify(name)}`);
  return sql.raw(`"${name}"`);
}

/** A trusted identifier as a SQL string literal (`'name'`), for `jsonb -> 'name'`. */
export function identLiteral(name: string): SQL {
  if (!IDENT.test(name)) throw new Error(`shape engine: bad identifier ${JSON.stringify(name)}`);
  return sql.raw(`'${name}'`);
}

/**
 * Turns a shape's WHERE (our own text, with `$1`-style positional parameters)
 * into a drizzle SQL fragment with each parameter bound, never interpolated.
 * `$n` inside a single-quoted literal is left alone.
 */
export function bindWhere(where: string, params: readonly string[]): SQL {
  const chunks: SQL[] = [];
  let text = '';
  let inQuote = false;
  for (let i = 0; i < where.length; i++) {
    const ch = where[i] ?? '';
    if (ch === "'") inQuote = !inQuote;
    if (!inQuote && ch === '$' && /\d/.test(where[i + 1] ?? '')) {
      let j = i + 1;
      while (/\d/.test(where[j] ?? '')) j++;
      const index = Number(where.slice(i + 1, j)) - 1;
      const value = params[index];
      if (value === undefined) throw new Error(`shape engine: WHERE uses $${index + 1} without a value`);
      chunks.push(sql.raw(text), sql`${value}`);
      text = '';
      i = j - 1;
      continue;
    }
    text += ch;
  }
  chunks.push(sql.raw(text));
  return sql.join(chunks, sql.raw(''));
}
