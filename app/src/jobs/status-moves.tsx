import { useState } from 'react';
import { usePGlite } from '@electric-sql/pglite-react';
import type { Me } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import type { Tone } from '../ui/page.tsx';

export const STATUS_TONE: Record<string, Tone> = { scheduled: 'accent', in_progress: 'warning', paused: 'neutral', done: 'success', cancelled: 'danger' };
export const SYNC_TONE: Record<string, Tone> = { pending: 'neutral', conflict: 'warning', rejected: 'danger' };
export const statusWords = (s: string) => s.replaceAll('_', ' ');
/** The verb on a move's button. */
export const MOVE_LABEL: Record<string, string> = { in_progress: 'Start', paused: 'Pause', done: 'Done', cancelled: 'Cancel', scheduled: 'Reschedule' };

/** The moves the tenant's workflow allows from `status` for a role that may update work orders; nothing else is offered. */
export function movesFor(me: Me, status: string): string[] {
  if (!me.perms.includes('work_orders.update')) return [];
  return me.workOrderTransitions?.[status] ?? [];
}

export function useMove(id: string) {
  const pg = usePGlite();
  return (to: string) => void pg.query('UPDATE work_orders SET status = $2 WHERE id = $1', [id, to]);
}

/** Asks before cancelling: the job leaves the technician's day and cannot be started again. */
export function CancelConfirm({ isOpen, onClose, onConfirm, label }: { isOpen: boolean; onClose: () => void; onConfirm: () => void; label: string }) {
  return (
    <ConfirmDialog
      isOpen={isOpen}
      onClose={onClose}
      onConfirm={() => { onConfirm(); onClose(); }}
      title={`Cancel ${label}?`}
      confirmLabel="Cancel work order"
      destructive
    >
      The work order is marked cancelled and leaves the assigned technician’s day. Its notes and history are kept.
    </ConfirmDialog>
  );
}

/** A list row's moves: small buttons, the destructive one behind a confirmation. */
export function StatusMoves({ me, id, status, title, number }: { me: Me; id: string; status: string; title: string; number: string }) {
  const move = useMove(id);
  const [confirming, setConfirming] = useState(false);
  const next = movesFor(me, status);
  if (next.length === 0) return null;
  return (
    <span className="jobs-moves">
      {next.map((to) => (
        <Button
          key={to}
          size="sm"
          variant={to === 'cancelled' ? 'danger' : 'secondary'}
          aria-label={`${MOVE_LABEL[to] ?? statusWords(to)} ${title}`}
          onPress={() => (to === 'cancelled' ? setConfirming(true) : move(to))}
        >
          {MOVE_LABEL[to] ?? statusWords(to)}
        </Button>
      ))}
      <CancelConfirm isOpen={confirming} onClose={() => setConfirming(false)} onConfirm={() => move('cancelled')} label={number} />
    </span>
  );
}
