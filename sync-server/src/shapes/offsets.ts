/**
 * Shape offsets. Ours are `<lsn>_inf`: "every commit up to and including lsn
 * has been delivered". Responses always carry whole commits, so the op part
 * is always `inf` (the same sentinel Electric uses for a snapshot's end).
 */
export type ParsedOffset = { kind: 'initial' } | { kind: 'now' } | { kind: 'at'; lsn: bigint };

const OFFSET = /^(\d{1,19})_(\d{1,19}|inf)$/;

/** Parses the `offset` query param; null when malformed. */
export function parseOffset(raw: string | undefined): ParsedOffset | null {
  if (raw === undefined || raw === '-1') return { kind: 'initial' };
  if (raw === 'now') return { kind: 'now' };
  const m = OFFSET.exec(raw);
  if (!m?.[1]) return null;
  return { kind: 'at', lsn: BigInt(m[1]) };
}

export function formatOffset(lsn: bigint): string {
  return `${lsn}_inf`;
}
