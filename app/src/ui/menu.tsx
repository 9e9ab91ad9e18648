import type { ReactNode } from 'react';
import { Keyboard, Menu as AriaMenu, MenuItem as AriaMenuItem, MenuTrigger, Popover, Separator, Section, Header } from 'react-aria-components';
import { Check } from 'lucide-react';

/*
 * A menu behind a button (the user menu, a record's overflow menu). Items
 * show their keyboard shortcut; danger items are red; a selected item in a
 * choice group (the theme) shows a check.
 */

export interface MenuItemSpec {
  id: string;
  label: string;
  icon?: ReactNode;
  shortcut?: string;
  danger?: boolean;
  selected?: boolean;
  href?: string;
  isDisabled?: boolean;
  onAction?: () => void;
}

export interface MenuSection {
  title?: string;
  items: MenuItemSpec[];
}

export function Menu({ trigger, sections, label, placement = 'bottom end' }: { trigger: ReactNode; sections: MenuSection[]; label: string; placement?: 'bottom end' | 'bottom start' | 'top start' | 'top end' }) {
  return (
    <MenuTrigger>
      {trigger}
      <Popover className="sf-popover sf-menu-popover" placement={placement} offset={6}>
        <AriaMenu className="sf-menu" aria-label={label}>
          {sections.map((s, i) => (
            <Section key={s.title ?? i} className="sf-menu-section">
              {i > 0 && <Separator className="sf-menu-separator" />}
              {s.title && <Header className="sf-menu-header">{s.title}</Header>}
              {s.items.map((item) => (
                <AriaMenuItem
                  key={item.id}
                  id={item.id}
                  href={item.href}
                  textValue={item.label}
                  isDisabled={item.isDisabled}
                  onAction={item.onAction}
                  className={['sf-menu-item', item.danger && 'sf-menu-item-danger'].filter(Boolean).join(' ')}
                >
                  <span className="sf-menu-icon" aria-hidden="true">{item.selected ? <Check size={16} /> : item.icon}</span>
                  <span className="sf-menu-label">{item.label}</span>
                  {item.selected && <span className="sf-visually-hidden">(current)</span>}
                  {item.shortcut && <Keyboard className="sf-kbd">{item.shortcut}</Keyboard>}
                </AriaMenuItem>
              ))}
            </Section>
          ))}
        </AriaMenu>
      </Popover>
    </MenuTrigger>
  );
}
