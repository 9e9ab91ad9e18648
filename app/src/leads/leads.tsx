import type { Me } from '../api.ts';
import { LeadDetail } from './lead-detail.tsx';
import { LeadList } from './lead-list.tsx';

/**
 * Leads, read live from the local database and written locally (the view's
 * triggers record each change and queue it for upload), so the page works
 * offline and a change shows at once: the windowed list at `leads`, one
 * lead at `leads/<id>`.
 */
export function LeadsPage({ me, base, id }: { me: Me; base: string; id?: string }) {
  return id ? <LeadDetail key={id} me={me} base={base} id={id} /> : <LeadList me={me} base={base} />;
}
