import type { ReactNode } from 'react';
import { ChevronRight } from 'lucide-react';
import { AppLink } from './button.tsx';

/*
 * Page patterns every list and record uses (docs/design-system.md):
 * a header with the title, a count, the primary action and an overflow menu;
 * breadcrumbs on record pages; cards; empty states that say what to do next;
 * skeleton rows while the local database opens.
 */

export interface Crumb {
  href: string;
  label: string;
}

export function PageHeader({ title, count, actions, crumbs, status, description }: { title: ReactNode; count?: string; actions?: ReactNode; crumbs?: Crumb[]; status?: ReactNode; description?: ReactNode }) {
  return (
    <header className="sf-page-header">
      {crumbs && crumbs.length > 0 && (
        <nav aria-label="Breadcrumbs" className="sf-breadcrumbs">
          <ol>
            {crumbs.map((c) => (
              <li key={c.href}>
                <AppLink href={c.href}>{c.label}</AppLink>
                <ChevronRight size={14} aria-hidden="true" />
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="sf-page-title-row">
        <div className="sf-page-title">
          <h1 tabIndex={-1}>{title}</h1>
          {status}
          {count && <span className="sf-page-count">{count}</span>}
        </div>
        {actions && <div className="sf-page-actions">{actions}</div>}
      </div>
      {description && <p className="sf-page-description">{description}</p>}
    </header>
  );
}

export function Card({ title, actions, children, className, id }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <section className={['sf-card', className].filter(Boolean).join(' ')} aria-labelledby={title && id ? `${id}-title` : undefined}>
      {(title || actions) && (
        <header className="sf-card-header">
          {title && <h2 id={id ? `${id}-title` : undefined}>{title}</h2>}
          {actions && <div className="sf-card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`sf-badge sf-badge-${tone}`}>{children}</span>;
}

/** What an empty list says: what it will hold, and the one thing to do next. */
export function EmptyState({ icon, title, children, action }: { icon?: ReactNode; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="sf-empty">
      {icon && <div className="sf-empty-icon" aria-hidden="true">{icon}</div>}
      <h2 className="sf-empty-title">{title}</h2>
      {children && <p className="sf-empty-text">{children}</p>}
      {action && <div className="sf-empty-action">{action}</div>}
    </div>
  );
}

/**
 * Grey placeholder lines while rows load: an indeterminate progress bar to
 * assistive technology (a live `status` would be announced once per card and
 * drown the page's real status messages).
 */
export function Skeleton({ rows = 5, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <div className="sf-skeleton" role="progressbar" aria-label={label} aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        <span key={i} className="sf-skeleton-line" style={{ width: `${92 - ((i * 17) % 30)}%` }} />
      ))}
    </div>
  );
}

/** A list page's toolbar: search and filters on the left, view controls on the right. */
export function Toolbar({ children, end, label = 'Filters' }: { children: ReactNode; end?: ReactNode; label?: string }) {
  return (
    <div className="sf-toolbar" role="group" aria-label={label}>
      <div className="sf-toolbar-start">{children}</div>
      {end && <div className="sf-toolbar-end">{end}</div>}
    </div>
  );
}

/** A labelled value on a record page. */
export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="sf-detail">
      <dt>{label}</dt>
      <dd>{children ?? <span className="sf-muted">—</span>}</dd>
    </div>
  );
}

export function DetailList({ children }: { children: ReactNode }) {
  return <dl className="sf-detail-list">{children}</dl>;
}
