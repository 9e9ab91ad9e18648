/*
 * Design tokens and themes (docs/design-system.md; ADR 016).
 *
 * Colours live here, once, as data: `applyTheme` writes them onto <html> as
 * CSS custom properties (`--sf-bg`, `--sf-accent`, ...), and ui/theme.test.ts
 * checks every theme's text pairs against WCAG AA. Type scale, spacing,
 * radius, elevation and motion do not change between themes: they are plain
 * CSS variables in ui/tokens.css.
 */

/** The colour roles every theme fills. `*Text` colours are for text on the matching fill. */
export interface ThemeColours {
  /** Page background. */
  bg: string;
  /** Cards, dialogs, the sidebar. */
  surface: string;
  /** Hover and selected rows, sunken wells, table headers. */
  surfaceAlt: string;
  /** Hairlines between regions and around inputs. */
  border: string;
  text: string;
  /** Secondary text: hints, counts, timestamps. */
  textMuted: string;
  /** Primary actions, links, the current page. */
  accent: string;
  accentText: string;
  /** A quiet tint of the accent: the current nav item, selected chips. */
  accentSoft: string;
  /** Text on accentSoft. */
  accentSoftText: string;
  /** Destructive actions and errors. */
  danger: string;
  dangerText: string;
  dangerSoft: string;
  success: string;
  warning: string;
  /** The keyboard focus ring. */
  focus: string;
}

export interface Theme {
  id: ThemeId;
  label: string;
  scheme: 'light' | 'dark';
  colours: ThemeColours;
}

export const THEME_IDS = ['light', 'dark', 'high-contrast', 'ocean', 'forest', 'sunset', 'grape', 'rose', 'midnight'] as const;
export type ThemeId = (typeof THEME_IDS)[number];
/** What a user picks: a theme, or follow the device's light or dark setting. */
export type ThemeChoice = ThemeId | 'system';

const light: ThemeColours = {
  bg: '#f5f6f8',
  surface: '#ffffff',
  surfaceAlt: '#f0f2f5',
  border: '#d5d9e0',
  text: '#15181d',
  textMuted: '#576071',
  accent: '#2f54d1',
  accentText: '#ffffff',
  accentSoft: '#e7ecfb',
  accentSoftText: '#1f3b99',
  danger: '#c0271a',
  dangerText: '#ffffff',
  dangerSoft: '#fdebe9',
  success: '#1b7a36',
  warning: '#8f5c00',
  focus: '#2f54d1',
};

const dark: ThemeColours = {
  bg: '#0e1014',
  surface: '#161920',
  surfaceAlt: '#1e222b',
  border: '#2e343f',
  text: '#e7eaf0',
  textMuted: '#9aa3b3',
  accent: '#86a2ff',
  accentText: '#0e1014',
  accentSoft: '#222c48',
  accentSoftText: '#c4d1ff',
  danger: '#ff8a80',
  dangerText: '#0e1014',
  dangerSoft: '#3a1f1e',
  success: '#56c271',
  warning: '#e0a83a',
  focus: '#86a2ff',
};

/** A light theme with its own accent (and a tinted page background). */
const tinted = (accent: string, accentSoft: string, accentSoftText: string, bg: string): ThemeColours => ({
  ...light,
  bg,
  accent,
  accentSoft,
  accentSoftText,
  focus: accent,
});

export const THEMES: readonly Theme[] = [
  { id: 'light', label: 'Light', scheme: 'light', colours: light },
  { id: 'dark', label: 'Dark', scheme: 'dark', colours: dark },
  {
    id: 'high-contrast',
    label: 'High contrast',
    scheme: 'light',
    colours: {
      bg: '#ffffff',
      surface: '#ffffff',
      surfaceAlt: '#ebebeb',
      border: '#000000',
      text: '#000000',
      textMuted: '#262626',
      accent: '#0028a8',
      accentText: '#ffffff',
      accentSoft: '#dfe5ff',
      accentSoftText: '#001a70',
      danger: '#9e0000',
      dangerText: '#ffffff',
      dangerSoft: '#ffe3e3',
      success: '#005a17',
      warning: '#5c3b00',
      focus: '#000000',
    },
  },
  { id: 'ocean', label: 'Ocean', scheme: 'light', colours: tinted('#0a6a86', '#dff2f7', '#064a5e', '#f2f7f9') },
  { id: 'forest', label: 'Forest', scheme: 'light', colours: tinted('#2e6b3a', '#e3f1e5', '#1f4d29', '#f4f7f3') },
  { id: 'sunset', label: 'Sunset', scheme: 'light', colours: tinted('#b0401a', '#fbe9e2', '#7d2c10', '#faf6f3') },
  { id: 'grape', label: 'Grape', scheme: 'light', colours: tinted('#6a3dbf', '#efe8fb', '#4b2a8a', '#f7f5fb') },
  { id: 'rose', label: 'Rose', scheme: 'light', colours: tinted('#b0245a', '#fbe6ee', '#7e1840', '#faf5f7') },
  {
    id: 'midnight',
    label: 'Midnight',
    scheme: 'dark',
    colours: { ...dark, bg: '#0b1020', surface: '#121a30', surfaceAlt: '#1a2440', border: '#2a3558', accent: '#8fb0ff', accentSoft: '#1f2d55', focus: '#8fb0ff' },
  },
];

export const themeById = (id: ThemeId): Theme => THEMES.find((t) => t.id === id) ?? THEMES[0]!;

/* ---- Contrast (WCAG 2.1 relative luminance) ---- */

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function parseHex(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const toHex = (rgb: [number, number, number]) => `#${rgb.map((c) => Math.round(Math.max(0, Math.min(255, c))).toString(16).padStart(2, '0')).join('')}`;

export function luminance(hex: string): number {
  const rgb = parseHex(hex);
  if (!rgb) throw new Error(`not a colour: ${hex}`);
  return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
}

/** The WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mixes `hex` toward black (amount < 0) or white (amount > 0), amount in -1..1. */
function shade(hex: string, amount: number): string {
  const rgb = parseHex(hex)!;
  const target = amount < 0 ? 0 : 255;
  const t = Math.abs(amount);
  return toHex(rgb.map((c) => c + (target - c) * t) as [number, number, number]);
}

/** The text pairs a theme must keep at WCAG AA (4.5:1 for text): [label, foreground, background]. */
export function textPairs(c: ThemeColours): [string, string, string][] {
  return [
    ['text on bg', c.text, c.bg],
    ['text on surface', c.text, c.surface],
    ['text on surfaceAlt', c.text, c.surfaceAlt],
    ['muted on bg', c.textMuted, c.bg],
    ['muted on surface', c.textMuted, c.surface],
    ['muted on surfaceAlt', c.textMuted, c.surfaceAlt],
    ['accent on surface (links)', c.accent, c.surface],
    ['accent on bg (links)', c.accent, c.bg],
    ['accentText on accent', c.accentText, c.accent],
    ['accentSoftText on accentSoft', c.accentSoftText, c.accentSoft],
    ['danger on surface', c.danger, c.surface],
    ['danger on dangerSoft', c.danger, c.dangerSoft],
    ['dangerText on danger', c.dangerText, c.danger],
    ['success on surface', c.success, c.surface],
    ['warning on surface', c.warning, c.surface],
  ];
}

/** Non-text pairs at 3:1 (WCAG 1.4.11): the focus ring against what it is drawn on. */
export function uiPairs(c: ThemeColours): [string, string, string][] {
  return [
    ['focus on bg', c.focus, c.bg],
    ['focus on surface', c.focus, c.surface],
  ];
}

/**
 * A tenant's brand colour fitted into a theme: the accent is darkened (light
 * themes) or lightened (dark themes) just enough to read as a link on the
 * theme's surfaces, and the text on it is whichever of white or the theme's
 * background reads better. Any hex colour gives an AA-passing accent.
 */
export function brandColours(theme: Theme, brandHex: string): ThemeColours {
  if (!parseHex(brandHex)) return theme.colours;
  const c = theme.colours;
  const dir = theme.scheme === 'light' ? -1 : 1;
  const fits = (a: string) => contrast(a, c.surface) >= 4.6 && contrast(a, c.bg) >= 4.6 && contrast(a, c.surfaceAlt) >= 3.2;
  let accent = brandHex.toLowerCase();
  for (let step = 1; step <= 20 && !fits(accent); step++) accent = shade(brandHex, (dir * step) / 20);
  const onAccent = [theme.scheme === 'light' ? '#ffffff' : c.bg, theme.scheme === 'light' ? c.text : '#ffffff'].sort((x, y) => contrast(y, accent) - contrast(x, accent))[0]!;
  const accentSoft = theme.scheme === 'light' ? shade(accent, 0.88) : shade(accent, -0.72);
  let accentSoftText = theme.scheme === 'light' ? shade(accent, -0.3) : shade(accent, 0.5);
  for (let step = 1; step <= 10 && contrast(accentSoftText, accentSoft) < 4.6; step++) accentSoftText = shade(accentSoftText, (theme.scheme === 'light' ? -1 : 1) * 0.15);
  return { ...c, accent, accentText: onAccent, accentSoft, accentSoftText, focus: accent };
}

/* ---- Applying a theme ---- */

const STORAGE_KEY = 'streamflow.theme';

const cssName = (key: string) => `--sf-${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;

/** The user's theme choice on this device ('system' when none was made). */
export function storedThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'system' || (THEME_IDS as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

export function storeThemeChoice(choice: ThemeChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    /* private mode: the choice lasts for this page */
  }
}

/** The theme a choice means now ('system' follows prefers-color-scheme). */
export function resolveTheme(choice: ThemeChoice): Theme {
  if (choice !== 'system') return themeById(choice);
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return themeById(dark ? 'dark' : 'light');
}

/** Writes a theme (with the tenant's brand colour, if any) onto <html>. */
export function applyTheme(choice: ThemeChoice, brand: string | null = null): Theme {
  const theme = resolveTheme(choice);
  // A named theme is the user's own choice of accent: the brand tints only light, dark and system.
  const useBrand = brand && (choice === 'system' || choice === 'light' || choice === 'dark');
  const colours = useBrand ? brandColours(theme, brand) : theme.colours;
  const root = document.documentElement;
  for (const [k, v] of Object.entries(colours)) root.style.setProperty(cssName(k), v);
  root.dataset.theme = theme.id;
  root.style.colorScheme = theme.scheme;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', colours.surface);
  return theme;
}
