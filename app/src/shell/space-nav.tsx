import { navigate } from '../router.ts';

export interface NavItem {
  href: string;
  title: string;
  current: boolean;
}

/** A space's navigation (only the current space's pages are ever shown). */
export function SpaceNav({ label, items }: { label: string; items: NavItem[] }) {
  return (
    <nav aria-label={label} className="nav">
      {items.map((p) => (
        <a
          key={p.href}
          href={p.href}
          aria-current={p.current ? 'page' : undefined}
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate(p.href);
          }}
        >
          {p.title}
        </a>
      ))}
    </nav>
  );
}
