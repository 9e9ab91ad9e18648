import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import type { Me } from '../api.ts';

interface EntryRow {
  id: string;
  clock_in_at: string;
  clock_out_at: string | null;
  minutes: number;
}

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
    <section className="card" aria-labelledby="clock-title">
      <h1 id="clock-title">Clock</h1>
      <p aria-live="polite">
        {open ? `Clocked in since ${open.clock_in_at}.` : 'Not clocked in.'} Today: <strong>{Math.floor(total / 60)} h {total % 60} min</strong>
      </p>
      {open ? (
        <button type="button" onClick={() => void clockOut(open.id)}>Clock out</button>
      ) : (
        <button type="button" onClick={() => void clockIn()}>Clock in</button>
      )}
      <ul>
        {entries.map((e) => (
          <li key={e.id}>{e.clock_in_at} – {e.clock_out_at ?? 'now'}</li>
        ))}
      </ul>
    </section>
  );
}
