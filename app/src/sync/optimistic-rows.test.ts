import { describe, expect, it } from 'vitest';
import { NO_OPTIMISTIC, pruneOptimistic, withOptimistic, type Optimistic } from './optimistic-rows.ts';

type Row = { id: string; name: string; status: string };
const a: Row = { id: 'a', name: 'A', status: 'new' };
const b: Row = { id: 'b', name: 'B', status: 'new' };
const fresh: Row = { id: 'n', name: 'Just made', status: 'new' };

describe('optimistic rows between a local commit and the next live result', () => {
  it('puts just-made rows on top of the first window only, and applies field patches', () => {
    const o: Optimistic<Row> = { created: [fresh], patches: { b: { status: 'qualified' } } };
    expect(withOptimistic([a, b], 0, o, true)).toEqual([fresh, a, { ...b, status: 'qualified' }]);
    expect(withOptimistic([a, b], 50, o, true)).toEqual([a, { ...b, status: 'qualified' }]);
    // Filtered or sorted otherwise, a new row's place is unknown: wait for the live rows.
    expect(withOptimistic([a, b], 0, o, false)).toEqual([a, { ...b, status: 'qualified' }]);
    expect(withOptimistic([a, b], 0, NO_OPTIMISTIC, true)).toEqual([a, b]);
  });

  it('never shows a row twice once the live rows carry it', () => {
    expect(withOptimistic([fresh, a], 0, { created: [fresh], patches: {} }, true)).toEqual([fresh, a]);
  });

  it('drops what the live rows now show and keeps the rest', () => {
    const o: Optimistic<Row> = { created: [fresh], patches: { a: { status: 'qualified' }, b: { status: 'contacted' } } };
    const next = pruneOptimistic([fresh, { ...a, status: 'qualified' }, b], o);
    expect(next).toEqual({ created: [], patches: { b: { status: 'contacted' } } });
    // Nothing to drop: the same object, so React does not re-render.
    expect(pruneOptimistic([a], next)).toBe(next);
  });
});
