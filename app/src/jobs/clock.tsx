import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { Clock } from 'lucide-react';
import type { Me } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { Card, EmptyState, PageHeader, Skeleton } from '../ui/page.tsx';
import './jobs.css';

interface EntryRow {
  id: string;
  clock_in_at: string;
  clock_out_at: string | null;
  minutes: number;
}

const hours = (min: number) => `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;

/** The worker clock: clock in and out (written locally, last-writer-wins on the server), and today's hours. */
export function ClockPage({ me }: { me: Me }) {
  const pg = usePGlite();
  const res = useLiveQuery<EntryRow>(
    `SELECT id, to_char(clock_in_at, 'HH24:MI') AS clock_in_at, to_char(clock_out_at, 'HH24:MI') AS clock_out_at,
            floor(extract(epoch FROM (coalesce(clock_out_at, now()) - clock_in_at)) / 60)::int - break_minutes AS minutes
       FROM time_entries
      WHERE user_id = $1 AND clock_in_at >= date_trunc('day', now())
      ORDER BY clock_in_at`,
    [me.id],
  );
  const entries = res?.rows ?? [];
  const open = entries.find((e) => e.clock_out_at === null);
  const total = entries.reduce((n, e) => n + Math.max(0, e.minutes), 0);
  const clockIn = () => pg.query(`INSERT INTO time_entries (user_id, clock_in_at, break_minutes) VALUES ($1, now(), 0)`, [me.id]);
  const clockOut = (id: string) => pg.query(`UPDATE time_entries SET clock_out_at = now() WHERE id = $1`, [id]);
  return (
    <>
      <PageHeader title="Clock" description="Your hours today. Clocking in and out works offline and syncs when you are back online." />
      <Card id="clock-now" title="Today">
        {!res ? <Skeleton rows={2} label="Loading your hours" /> : (
          <div className="clock-now">
            <p className="clock-state" aria-live="polite">{open ? `Clocked in since ${open.clock_in_at}.` : 'Not clocked in.'}</p>
            <span className="clock-total" aria-label={`Today: ${hours(total)}`}>{hours(total)}</span>
            {open ? (
              <Button variant="primary" onPress={() => void clockOut(open.id)}>Clock out</Button>
            ) : (
              <Button variant="primary" onPress={() => void clockIn()}>Clock in</Button>
            )}
          </div>
        )}
      </Card>
      <Card id="clock-entries" title="Entries">
        {entries.length === 0 ? (
          <EmptyState icon={<Clock size={28} />} title="No time recorded today">Clock in when you start work; each stretch shows here.</EmptyState>
        ) : (
          <div className="sf-table-wrap">
            <table className="sf-table sf-table-compact">
              <thead><tr><th scope="col">In</th><th scope="col">Out</th><th scope="col" className="sf-num">Duration</th></tr></thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td>{e.clock_in_at}</td>
                    <td>{e.clock_out_at ?? <span className="sf-muted">now</span>}</td>
                    <td className="sf-num">{hours(Math.max(0, e.minutes))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
