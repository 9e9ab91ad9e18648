import type { ReactNode } from 'react';
import { Button as AriaButton, Link as AriaLink, type ButtonProps as AriaButtonProps, type LinkProps as AriaLinkProps } from 'react-aria-components';
import { navigate } from '../router.ts';

/**
 * How loud an action is: one `primary` per view (the main thing to do),
 * `secondary` for the rest, `ghost` for toolbar and row actions, and `danger`
 * for what removes or cancels something (always behind a confirmation).
 */
export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends Omit<AriaButtonProps, 'className' | 'children'> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  /** An icon before the label (lucide-react element). */
  icon?: ReactNode;
  /** An icon-only button: `children` is then its accessible name, shown as a tooltip-less label for screen readers. */
  iconOnly?: boolean;
  className?: string;
  children?: ReactNode;
}

const classes = (variant: ButtonVariant, size: 'sm' | 'md', iconOnly: boolean, extra?: string) =>
  ['sf-button', `sf-button-${variant}`, size === 'sm' && 'sf-button-sm', iconOnly && 'sf-button-icon', extra].filter(Boolean).join(' ');

export function Button({ variant = 'secondary', size = 'md', icon, iconOnly = false, className, children, ...rest }: ButtonProps) {
  return (
    <AriaButton {...rest} className={classes(variant, size, iconOnly, className)} aria-label={iconOnly && typeof children === 'string' ? children : rest['aria-label']}>
      {icon}
      {iconOnly ? null : children}
    </AriaButton>
  );
}

export interface LinkButtonProps extends Omit<AriaLinkProps, 'className' | 'children'> {
  href: string;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: ReactNode;
  className?: string;
  children?: ReactNode;
}

/** A link that looks like a button. Moves inside the app without a reload (RouterProvider in main.tsx). */
export function LinkButton({ variant = 'secondary', size = 'md', icon, className, children, href, ...rest }: LinkButtonProps) {
  return (
    <AriaLink {...rest} href={href} className={classes(variant, size, false, className)}>
      {icon}
      {children}
    </AriaLink>
  );
}

/** A text link inside the app: moves without a reload, opens in a new tab with a modifier key as any link. */
export function AppLink({ href, children, className, ...rest }: { href: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined; title?: string }) {
  return (
    <a
      {...rest}
      href={href}
      className={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
