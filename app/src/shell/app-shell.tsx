import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { Ellipsis, LogOut, Monitor, PanelLeftClose, PanelLeftOpen, Search } from 'lucide-react';
import type { Me } from '../api.ts';
import { AppLink, Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { Menu } from '../ui/menu.tsx';
import { THEMES, type ThemeChoice } from '../ui/themes.ts';
import { useTheme } from '../ui/use-theme.ts';
import { CommandPalette, paletteShortcut, type Command } from './command-palette.tsx';
import { TenantSwitcher } from './tenant-switcher.tsx';

export interface ShellNavItem {
  href: string;
  title: string;
  icon: ReactNode;
  current: boolean;
}

const COLLAPSED_KEY = 'streamflow.sidebar-collapsed';
/** How many pages the phone's tab bar shows before "More". */
const TAB_COUNT = 4;

const SPACE_LABEL: Record<Me['space'], string> = { client: 'Workspace', provider: 'Provider', dev: 'Developer', accounting: 'Accounting' };

/**
 * The frame around every signed-in page (docs/design-system.md, "App shell"):
 * a collapsible sidebar on a laptop, a bottom tab bar with a "More" sheet on
 * a phone, and a top bar with search (the command palette), the space's
 * status (the sync state in the client space), the tenant switcher and the
 * user menu (theme, sign out). Pages render inside `main#main`.
 */
export function AppShell({
  me,
  navLabel,
  items,
  status,
  onSignOut,
  commands = [],
  children,
}: {
  me: Me;
  navLabel: string;
  items: ShellNavItem[];
  /** The compact status control in the top bar (sync state). */
  status?: ReactNode;
  onSignOut: () => void;
  /** Actions of the space for the command palette (pages are added from `items`). */
  commands?: Command[];
  children: ReactNode;
}) {
  // The tenant's brand colour re-tints the client space's light and dark themes.
  const [theme, setTheme] = useTheme(me.space === 'client' ? (me.brandColor ?? null) : null, me.theme ?? null);
  const [collapsed, setCollapsed] = useState(() => readFlag(COLLAPSED_KEY));
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  useEffect(() => writeFlag(COLLAPSED_KEY, collapsed), [collapsed]);

  const tabs = items.slice(0, items.length > TAB_COUNT + 1 ? TAB_COUNT : TAB_COUNT + 1);
  const more = items.slice(tabs.length);
  const current = items.find((i) => i.current);
  // Moving to another page closes the phone's "More" sheet.
  useEffect(() => setMoreOpen(false), [current?.href]);

  const allCommands = useMemo<Command[]>(
    () => [
      ...items.map((i) => ({ id: `page:${i.href}`, label: i.title, href: i.href, icon: i.icon, group: 'Go to' })),
      ...commands,
      ...THEMES.map((t) => ({ id: `theme:${t.id}`, label: `Theme: ${t.label}`, onAction: () => setTheme(t.id), group: 'Appearance' })),
      { id: 'theme:system', label: 'Theme: match this device', onAction: () => setTheme('system'), group: 'Appearance' },
      { id: 'sign-out', label: 'Sign out', onAction: onSignOut, icon: <LogOut size={16} />, group: 'Account' },
    ],
    [items, commands, setTheme, onSignOut],
  );

  return (
    <div className={`sf-shell${collapsed ? ' sf-shell-collapsed' : ''}`} data-space={me.space}>
      <a className="sf-skip-link" href="#main">Skip to content</a>
      <aside className="sf-sidebar">
        <div className="sf-brand">
          <span className="sf-brand-mark" aria-hidden="true">S</span>
          <span className="sf-brand-text">
            <span className="sf-brand-name">StreamFlow</span>
            <span className="sf-brand-space">{SPACE_LABEL[me.space]}</span>
          </span>
        </div>
        <nav aria-label={navLabel} className="sf-nav">
          <ul>
            {items.map((i) => (
              <li key={i.href}>
                <AppLink href={i.href} className="sf-nav-link" aria-current={i.current ? 'page' : undefined} title={collapsed ? i.title : undefined}>
                  <span className="sf-nav-icon" aria-hidden="true">{i.icon}</span>
                  <span className="sf-nav-title">{i.title}</span>
                </AppLink>
              </li>
            ))}
          </ul>
        </nav>
        <Button
          variant="ghost"
          size="sm"
          className="sf-collapse"
          icon={collapsed ? <PanelLeftOpen size={18} aria-hidden="true" /> : <PanelLeftClose size={18} aria-hidden="true" />}
          aria-expanded={!collapsed}
          onPress={() => setCollapsed(!collapsed)}
          aria-label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
        >
          {collapsed ? null : 'Collapse'}
        </Button>
      </aside>

      <header className="sf-topbar">
        <span className="sf-topbar-title">{current?.title ?? 'StreamFlow'}</span>
        <AriaButton className="sf-search" onPress={() => setPaletteOpen(true)} aria-label={`Search and jump (${paletteShortcut})`}>
          <Search size={16} aria-hidden="true" />
          <span className="sf-search-text">Search or jump to…</span>
          <kbd className="sf-kbd">{paletteShortcut}</kbd>
        </AriaButton>
        <span className="sf-grow" />
        {status}
        <TenantSwitcher me={me} />
        <UserMenu me={me} theme={theme} onTheme={setTheme} onSignOut={onSignOut} />
      </header>

      <main id="main" tabIndex={-1} className="sf-main">
        {children}
      </main>

      <nav aria-label={`${navLabel} tabs`} className="sf-tabbar">
        {tabs.map((i) => (
          <AppLink key={i.href} href={i.href} className="sf-tab" aria-current={i.current ? 'page' : undefined}>
            <span aria-hidden="true">{i.icon}</span>
            <span className="sf-tab-title">{i.title}</span>
          </AppLink>
        ))}
        {more.length > 0 && (
          <AriaButton className="sf-tab" onPress={() => setMoreOpen(true)} aria-current={more.some((i) => i.current) ? 'page' : undefined}>
            <Ellipsis size={20} aria-hidden="true" />
            <span className="sf-tab-title">More</span>
          </AriaButton>
        )}
      </nav>
      <Dialog title="More" kind="sheet" isOpen={moreOpen} onClose={() => setMoreOpen(false)}>
        <ul className="sf-more-list">
          {more.map((i) => (
            <li key={i.href}>
              <AppLink href={i.href} className="sf-nav-link" aria-current={i.current ? 'page' : undefined}>
                <span className="sf-nav-icon" aria-hidden="true">{i.icon}</span>
                <span className="sf-nav-title">{i.title}</span>
              </AppLink>
            </li>
          ))}
        </ul>
      </Dialog>
      <CommandPalette commands={allCommands} isOpen={paletteOpen} onOpenChange={setPaletteOpen} />
    </div>
  );
}

function UserMenu({ me, theme, onTheme, onSignOut }: { me: Me; theme: ThemeChoice; onTheme: (t: ThemeChoice) => void; onSignOut: () => void }) {
  const initials = (me.name || me.email).split(/[\s@.]+/).filter(Boolean).slice(0, 2).map((s) => s[0]!.toUpperCase()).join('');
  return (
    <Menu
      label="Account"
      trigger={
        <AriaButton className="sf-avatar-button" aria-label={`Account: ${me.name || me.email}`}>
          <span className="sf-avatar" aria-hidden="true">{initials || '?'}</span>
        </AriaButton>
      }
      sections={[
        { title: me.email, items: [{ id: 'sign-out', label: 'Sign out', icon: <LogOut size={16} />, onAction: onSignOut }] },
        {
          title: 'Theme',
          items: [
            { id: 'theme-system', label: 'Match this device', icon: <Monitor size={16} />, selected: theme === 'system', onAction: () => onTheme('system') },
            ...THEMES.map((t) => ({ id: `theme-${t.id}`, label: t.label, selected: theme === t.id, icon: <span className="sf-swatch" style={{ background: t.colours.accent, borderColor: t.colours.surface }} />, onAction: () => onTheme(t.id) })),
          ],
        },
      ]}
    />
  );
}

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeFlag(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? '1' : '0');
  } catch {
    /* private mode */
  }
}
