import { describe, expect, it } from 'vitest';
import { dataWindow, keyTarget, scrollToShow, visibleRange } from './virtual-list.tsx';

describe('windowing math', () => {
  it('renders the rows in view plus the overscan, clamped to the list', () => {
    expect(visibleRange(0, 440, 44, 100_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRange(44 * 1000 + 10, 440, 44, 100_000, 5)).toEqual({ first: 995, last: 1016 });
    // At the very end nothing past the last row.
    expect(visibleRange(44 * 100_000, 440, 44, 100_000, 5)).toEqual({ first: 99_994, last: 100_000 });
    expect(visibleRange(0, 440, 44, 3, 5)).toEqual({ first: 0, last: 3 });
    expect(visibleRange(-50, 440, 44, 0, 5)).toEqual({ first: 0, last: 0 });
  });

  it('renders at most a screenful and a margin, whatever the list size', () => {
    for (const top of [0, 12_345, 1_000_000, 4_399_000]) {
      const r = visibleRange(top, 800, 44, 100_000, 8);
      expect(r.last - r.first).toBeLessThanOrEqual(Math.ceil(800 / 44) + 1 + 16);
      expect(r.first).toBeGreaterThanOrEqual(0);
      expect(r.last).toBeLessThanOrEqual(100_000);
    }
  });

  it('fetches page-aligned windows that cover the range and stay put while scrolling inside a page', () => {
    expect(dataWindow({ first: 0, last: 15 }, 100_000, 50)).toEqual({ offset: 0, limit: 50 });
    expect(dataWindow({ first: 10, last: 49 }, 100_000, 50)).toEqual({ offset: 0, limit: 50 });
    expect(dataWindow({ first: 40, last: 70 }, 100_000, 50)).toEqual({ offset: 0, limit: 100 });
    expect(dataWindow({ first: 995, last: 1016 }, 100_000, 50)).toEqual({ offset: 950, limit: 100 });
    // Near the end, no further than the count; before the count is known, one page.
    expect(dataWindow({ first: 99_990, last: 100_000 }, 100_000, 50)).toEqual({ offset: 99_950, limit: 50 });
    expect(dataWindow({ first: 0, last: 0 }, 0, 50)).toEqual({ offset: 0, limit: 50 });
    for (let first = 0; first < 1000; first += 7) {
      const w = dataWindow({ first, last: first + 25 }, 100_000, 50);
      expect(w.offset).toBeLessThanOrEqual(first);
      expect(w.offset + w.limit).toBeGreaterThanOrEqual(first + 25);
    }
  });

  it('moves between rows with the navigation keys', () => {
    expect(keyTarget('ArrowDown', 4, 10, 5)).toBe(5);
    expect(keyTarget('ArrowDown', 9, 10, 5)).toBe(9);
    expect(keyTarget('ArrowUp', 0, 10, 5)).toBe(0);
    expect(keyTarget('PageDown', 2, 10, 5)).toBe(7);
    expect(keyTarget('PageUp', 2, 10, 5)).toBe(0);
    expect(keyTarget('Home', 6, 10, 5)).toBe(0);
    expect(keyTarget('End', 0, 10, 5)).toBe(9);
    expect(keyTarget('a', 0, 10, 5)).toBeNull();
  });

  it('scrolls just enough to show a row below the sticky header', () => {
    // Row 0 is in view at the top; row 20 (y 924..968 with a 44 px header) in a 440 px viewport needs scrolling.
    expect(scrollToShow(0, 0, 440, 44, 44)).toBe(0);
    expect(scrollToShow(20, 0, 440, 44, 44)).toBe(21 * 44 - (440 - 44));
    expect(scrollToShow(3, 500, 440, 44, 44)).toBe(132);
    expect(scrollToShow(12, 400, 440, 44, 44)).toBe(400);
  });
});
