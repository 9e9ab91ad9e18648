import { describe, expect, it } from 'vitest';
import { THEME_CHOICES } from '@streamflow/schema/profile';
import { brandColours, contrast, textPairs, THEME_IDS, THEMES, uiPairs } from './themes.ts';

describe('themes', () => {
  it('has light, dark, high contrast and at least six named themes, each once', () => {
    const ids = THEMES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...THEME_IDS]);
    expect(ids).toEqual(expect.arrayContaining(['light', 'dark', 'high-contrast']));
    expect(ids.length - 3).toBeGreaterThanOrEqual(6);
  });

  it('offers exactly the themes the server accepts for a user (schema THEME_CHOICES)', () => {
    expect(['system', ...THEME_IDS]).toEqual([...THEME_CHOICES]);
  });

  it('computes WCAG contrast like the reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  for (const theme of THEMES) {
    it(`${theme.id}: every text pair passes AA (4.5:1) and the focus ring 3:1`, () => {
      const low = textPairs(theme.colours)
        .map(([label, fg, bg]) => ({ label, ratio: Number(contrast(fg, bg).toFixed(2)) }))
        .filter((p) => p.ratio < 4.5);
      expect(low).toEqual([]);
      const faint = uiPairs(theme.colours).map(([label, fg, bg]) => ({ label, ratio: contrast(fg, bg) })).filter((p) => p.ratio < 3);
      expect(faint).toEqual([]);
    });
  }

  it('high contrast keeps body text at AAA (7:1)', () => {
    const hc = THEMES.find((t) => t.id === 'high-contrast')!.colours;
    expect(contrast(hc.text, hc.bg)).toBeGreaterThanOrEqual(7);
    expect(contrast(hc.textMuted, hc.surface)).toBeGreaterThanOrEqual(7);
  });

  // Brand colours an owner might type: pale, neon, mid-grey, near-black, pure primaries.
  const brands = ['#ffeb3b', '#00ff00', '#888888', '#111111', '#ff0000', '#0000ff', '#ffffff', '#f48fb1', '#00bcd4'];
  for (const theme of THEMES.filter((t) => t.id === 'light' || t.id === 'dark')) {
    for (const brand of brands) {
      it(`${theme.id} tinted with ${brand} still passes AA`, () => {
        const c = brandColours(theme, brand);
        const low = textPairs(c).map(([label, fg, bg]) => ({ label, ratio: contrast(fg, bg) })).filter((p) => p.ratio < 4.5);
        expect(low).toEqual([]);
      });
    }
  }

  it('a brand colour that already reads well is kept as it is', () => {
    const light = THEMES.find((t) => t.id === 'light')!;
    expect(brandColours(light, '#1d4ed8').accent).toBe('#1d4ed8');
    expect(brandColours(light, 'not a colour')).toBe(light.colours);
  });
});
