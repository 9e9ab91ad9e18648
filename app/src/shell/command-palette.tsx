import { useEffect, useState, type ReactNode } from 'react';
import { Autocomplete, Dialog, Input, Menu, MenuItem, Modal, ModalOverlay, SearchField, useFilter, Keyboard } from 'react-aria-components';
import { Search } from 'lucide-react';

export interface Command {
  id: string;
  label: string;
  /** Where it goes (pages, records) or what it does (actions). */
  href?: string;
  onAction?: () => void;
  icon?: ReactNode;
  group: string;
  shortcut?: string;
}

/** True on Apple keyboards, where the palette is Cmd-K rather than Ctrl-K. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const paletteShortcut = isMac ? '⌘K' : 'Ctrl K';

/**
 * The command palette (Ctrl/Cmd-K, or the search box in the top bar): type to
 * jump to any page of the space or run an action. Arrow keys move, Enter runs,
 * Esc closes and focus goes back where it was.
 */
export function CommandPalette({ commands, isOpen, onOpenChange }: { commands: Command[]; isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const { contains } = useFilter({ sensitivity: 'base' });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        onOpenChange(!isOpen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [isOpen, onOpenChange]);
  const [query, setQuery] = useState('');
  useEffect(() => {
    if (!isOpen) setQuery('');
  }, [isOpen]);
  return (
    <ModalOverlay className="sf-overlay sf-overlay-palette" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className="sf-modal sf-modal-palette">
        <Dialog className="sf-palette" aria-label="Command palette">
          <Autocomplete filter={contains} inputValue={query} onInputChange={setQuery}>
            <SearchField className="sf-palette-search" aria-label="Search pages and actions" autoFocus>
              <Search size={18} aria-hidden="true" />
              <Input className="sf-palette-input" placeholder="Search pages and actions…" />
            </SearchField>
            <Menu
              className="sf-palette-list"
              items={commands}
              renderEmptyState={() => <p className="sf-palette-empty">Nothing matches “{query}”.</p>}
              onAction={(key) => {
                const cmd = commands.find((c) => c.id === key);
                onOpenChange(false);
                cmd?.onAction?.();
              }}
            >
              {(c) => (
                <MenuItem id={c.id} href={c.href} textValue={`${c.label} ${c.group}`} className="sf-menu-item sf-palette-item">
                  <span className="sf-menu-icon" aria-hidden="true">{c.icon}</span>
                  <span className="sf-menu-label">{c.label}</span>
                  <span className="sf-palette-group">{c.group}</span>
                  {c.shortcut && <Keyboard className="sf-kbd">{c.shortcut}</Keyboard>}
                </MenuItem>
              )}
            </Menu>
          </Autocomplete>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
