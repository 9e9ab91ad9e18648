/**
 * Shape offsets, opaque to the client:
 * - `<lsn>_inf`: every commit up to and including lsn has been delivered.
 *   Responses always carry whole commits, so this is where every catch-up and
 *   live response ends (the same sentinel Electric uses for a snapshot's end).
 * - `<lsn>_<key>`: a first snapshot under way (docs/sync.md, "Snapshot
 *   chunks"): the shape's rows with primary key up to `key` have been
 *   delivered as they were at lsn. `key` is the uuid as a decimal number.
 */
export type ParsedOffset =
  | { kind: 'initial' }
  | { kind: 'now' }
  | { kind: 'at'; lsn: bigint }
  | { kind: 'chunk'; lsn: bigint; after: string };

const OFFSET = /^(\d{1,19})_(\d{1,39}|inf)$/;
const MAX_UUID = (1n << 128n) - 1n;

/** Parses the `offset` query param; null when malformed. */
export function parseOffset(raw: string | undefined): ParsedOffset | null {
  if (raw === undefined || raw === '-1') return { kind: 'initial' };
  if (raw === 'now') return { kind: 'now' };
  const m = OFFSET.exec(raw);
  if (!m?.[1] || !m[2]) return null;
  const lsn = BigInt(m[1]);
  if (lsn >= 1n << 63n) return null;
  if (m[2] === 'inf') return { kind: 'at', lsn };
  const key = BigInt(m[2]);
  if (key > MAX_UUID) return null;
  return { kind: 'chunk', lsn, after: uuidOf(key) };
}

export function formatOffset(lsn: bigint): string {
  return `${lsn}_inf`;
}

/** The offset of a snapshot chunk that ended with the row whose key is `lastKey`, read at lsn. */
export function formatChunkOffset(lsn: bigint, lastKey: string): string {
  return `${lsn}_${BigInt(`0x${lastKey.replaceAll('-', '')}`)}`;
}

function uuidOf(n: bigint): string {
  const h = n.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
