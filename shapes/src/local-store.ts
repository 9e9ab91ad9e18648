/*
 * How a client loads shapes into its local PGlite with @electric-sql/pglite-sync
 * (0.6.1; the app's catchUpOne and the read-path bench use exactly this).
 *
 * `initialInsertMethod: 'csv'` loads a first snapshot with one COPY: on 100k
 * leads it costs about a fifth less client CPU than 'json' (docs/performance.md).
 * But pglite-sync writes that CSV itself (dist/index.js, its `csv` method):
 * every value becomes `String(value)`, double-quoted only when it is a JS
 * string containing `,`, `"` or `\n`; SQL NULL is `\N`. With the client's
 * default parsers that breaks in three ways, handled here:
 *
 * - json / jsonb are parsed into objects, written as `[object Object]`. They
 *   stay their JSON text instead: COPY parses the text, and for the later
 *   INSERT / UPDATE path PGlite's json serializer sends a string as it is.
 * - A text holding a carriage return but none of `,` `"` `\n` ends the CSV row
 *   early (COPY fails: "unquoted carriage return found in data", and the sync
 *   stalls), and a text that is exactly `\N` loads as NULL. Such a text is
 *   handed over as a {@link CsvSafeText}.
 * - Arrays would be written as `a,b`: no synced table has an array column, and
 *   every column type of every shape is checked against {@link CSV_SAFE_TYPES}
 *   (sync-server/src/shapes/local-store.test.ts).
 *
 * Only pglite-sync consumes these values: the app reads its rows back from
 * PGlite, where they are ordinary text and jsonb.
 */

/** The initial insert method for the local store (see above). */
export const LOCAL_INITIAL_INSERT_METHOD = 'csv' as const;

/**
 * A text value that pglite-sync's CSV writer would mis-encode. It travels as
 * a Date subclass because the two paths that consume it call different
 * methods: the CSV writer calls `toString()` (here: a correctly quoted CSV
 * field), while PGlite's text serializer, used for INSERT / UPDATE parameters,
 * sends `toISOString()` of a Date (here: the text itself). `toJSON()` covers
 * the 'json' method too.
 */
export class CsvSafeText extends Date {
  readonly text: string;

  constructor(text: string) {
    super(0);
    this.text = text;
  }

  override toString(): string {
    return `"${this.text.replaceAll('"', '""')}"`;
  }

  override toISOString(): string {
    return this.text;
  }

  override toJSON(): string {
    return this.text;
  }
}

const keepText = (value: string): string => value;
// Typed as the string it stands for: the client's `Value` type has no room for it, and each consumer reads it as that string.
const csvSafeText = (value: string): string => (value === '\\N' || value.includes('\r') ? (new CsvSafeText(value) as unknown as string) : value);

/**
 * The ShapeStream `parser` for the local store, keyed by Postgres type name
 * (the `electric-schema` types). Types not listed keep the client's defaults:
 * numbers, bigint and booleans print back as COPY reads them; uuid, numeric,
 * timestamps and dates stay their text.
 */
export const localStoreParser = {
  json: keepText,
  jsonb: keepText,
  text: csvSafeText,
  varchar: csvSafeText,
  bpchar: csvSafeText,
} as const;

/** Column types a shape may use with the csv initial insert and {@link localStoreParser}. */
export const CSV_SAFE_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(localStoreParser),
  'uuid',
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'numeric',
  'bool',
  'date',
  'timestamp',
  'timestamptz',
]);
