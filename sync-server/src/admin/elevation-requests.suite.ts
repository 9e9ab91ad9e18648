import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { createStaff } from '../auth/staff.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';

interface Role {
  id: string;
  key: string;
  permissions: string[];
  elevation: { ceiling: string[]; beyond: string };
}

const PASSWORD = 'streamflow-demo';

/**
 * Bounded break-glass (docs/elevation.md, ADR 013), with real sign-ins, on
 * PGlite and Postgres: per-role ceilings, owner approval beyond them, denial,
 * no self-approval, renewal caps and the audit trail of each step.
 */
export function elevationRequestsSuite(engine: TestEngine) {
  describe(`bounded elevation on ${engine.kind}: ceilings, owner approval, caps`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let worker: SignedIn;
    let orgId: string;

    const call = async (who: SignedIn, method: string, path: string, body?: unknown) => {
      const res = await t.app.request(path, {
        method,
        headers: { ...who.headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Record<string, unknown> };
    };
    const code = (r: { body: Record<string, unknown> }) => (r.body.error as { code: string } | undefined)?.code;
    const perms = async (who: SignedIn) => ((await call(who, 'GET', '/api/me')).body.perms as string[]);
    const elevate = (who: SignedIn, scopes: string[], minutes = 15, reason = 'A customer is waiting on the phone') =>
      call(who, 'POST', '/api/admin/elevations', { scopes, reason, minutes, password: PASSWORD });
    const role = async (key: string) => ((await call(owner, 'GET', '/api/admin/roles')).body.roles as Role[]).find((r) => r.key === key);
    const audit = (targetId: string) =>
      db.rows<{ action: string; outcome: string; actor_user_id: string | null; details: Record<string, unknown> }>(
        sql`select action, outcome, actor_user_id, details from audit_log where target_id = ${targetId} order by id`,
      );
    const userId = async (email: string) => (await db.rows<{ id: string }>(sql`select id from "user" where email = ${email}`))[0]?.id ?? '';
    /** A fresh field worker of Acme, so each cap starts from zero. */
    const newWorker = async (email: string) => {
      await addTestUser(db, { email, tenant: 'acme', role: 'worker' });
      return signIn(t.app, email);
    };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      [owner, worker] = await Promise.all([signIn(t.app, 'owner@acme.test'), signIn(t.app, 'worker@acme.test')]);
      orgId = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`))[0]?.id ?? '';
    });
    afterAll(async () => {
      await db.close();
    });

    it("puts a worker's leads.delete and audit.read on hold for the owner, who is emailed, approves, and the clock starts then", async () => {
      const asked = await elevate(worker, ['leads.delete', 'audit.read'], 15, 'Removing a duplicate lead and checking who made it');
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ status: 'pending', scopes: ['leads.delete', 'audit.read'], beyond: ['leads.delete', 'audit.read'], minutes: 15 });
      const id = String(asked.body.id);
      // Not effective while it waits.
      expect(await perms(worker)).not.toContain('audit.read');
      expect((await call(worker, 'GET', '/api/admin/audit')).status).toBe(403);

      const mail = t.mailer.sent.filter((m) => m.text.includes('Removing a duplicate lead'));
      expect(mail.map((m) => m.to)).toEqual(['owner@acme.test']);
      expect(mail[0]?.text).toContain('leads.delete, audit.read');
      expect(mail[0]?.text).toContain(`/tenant/${orgId}/client/team`);

      const pending = (await call(owner, 'GET', '/api/admin/elevation-requests?status=pending')).body.requests as { id: string; userEmail: string; status: string }[];
      expect(pending.find((r) => r.id === id)).toMatchObject({ userEmail: 'worker@acme.test', status: 'pending' });
      // A member sees only their own requests.
      await addTestUser(db, { email: 'staff-list@acme.test', tenant: 'acme', role: 'staff' });
      const staff = await signIn(t.app, 'staff-list@acme.test');
      expect(((await call(staff, 'GET', '/api/admin/elevation-requests')).body.requests as unknown[]).length).toBe(0);
      // Only an approver (roles.manage) decides.
      expect((await call(staff, 'POST', `/api/admin/elevation-requests/${id}/approve`, {})).status).toBe(403);
      expect((await audit(`/api/admin/elevation-requests/${id}/approve`)).map((a) => [a.action, a.outcome])).toEqual([['access.post', 'denied']]);

      t.clock.advance(10 * 60_000);
      const approvedAt = t.clock.now().getTime();
      const approved = await call(owner, 'POST', `/api/admin/elevation-requests/${id}/approve`, { note: 'Go ahead' });
      expect(approved.status).toBe(201);
      expect(new Date(String(approved.body.expiresAt)).getTime()).toBe(approvedAt + 15 * 60_000);
      // Effective on the very next request.
      expect(await perms(worker)).toEqual(expect.arrayContaining(['leads.delete', 'audit.read']));
      expect((await call(worker, 'GET', '/api/admin/audit?limit=1')).status).toBe(200);
      expect(((await call(worker, 'GET', '/api/admin/elevation-requests')).body.requests as { id: string; status: string; elevationId: string | null }[]).find((r) => r.id === id)).toMatchObject({
        status: 'approved',
        elevationId: approved.body.id,
      });
      // Decided once.
      const again = await call(owner, 'POST', `/api/admin/elevation-requests/${id}/approve`, {});
      expect([again.status, code(again)]).toEqual([409, 'REQUEST_NOT_PENDING']);

      t.clock.advance(15 * 60_000);
      expect(await perms(worker)).not.toContain('audit.read');
      t.clock.advance(-25 * 60_000);

      const ownerId = await userId('owner@acme.test');
      const workerId = await userId('worker@acme.test');
      expect((await audit(id)).map((a) => [a.action, a.outcome, a.actor_user_id])).toEqual([
        ['elevation.request', 'succeeded', workerId],
        ['elevation.approve', 'succeeded', ownerId],
        ['elevation.approve', 'denied', ownerId],
      ]);
    });

    it('never grants a denied request', async () => {
      const asked = await elevate(worker, ['invoices.read'], 10, 'The customer asks about an unpaid invoice');
      expect(asked.status).toBe(202);
      const id = String(asked.body.id);
      expect((await call(owner, 'POST', `/api/admin/elevation-requests/${id}/deny`, { note: 'Call the office instead' })).status).toBe(204);
      expect(await perms(worker)).not.toContain('invoices.read');
      const late = await call(owner, 'POST', `/api/admin/elevation-requests/${id}/approve`, {});
      expect([late.status, code(late)]).toEqual([409, 'REQUEST_NOT_PENDING']);
      expect(await perms(worker)).not.toContain('invoices.read');
      const [e] = await db.rows<{ n: number }>(sql`select count(*)::int as n from elevations where request_id = ${id}`);
      expect(e?.n).toBe(0);
      expect((await audit(id)).map((a) => [a.action, a.outcome])).toEqual([
        ['elevation.request', 'succeeded'],
        ['elevation.deny', 'succeeded'],
        ['elevation.approve', 'denied'],
      ]);
    });

    it('refuses a requester who may approve their own request; another owner approves it', async () => {
      // A manager made approver: their role gains roles.manage but lacks invoices.delete.
      const manager = await signIn(t.app, 'manager@acme.test');
      const source = await role('manager');
      const clone = await call(owner, 'POST', `/api/admin/roles/${source?.id}/clone`, { key: 'office_lead', name: 'Office lead' });
      expect(clone.status).toBe(201);
      expect(clone.body.elevation).toEqual(source?.elevation);
      const roleId = String(clone.body.id);
      expect((await call(owner, 'PATCH', `/api/admin/roles/${roleId}`, { add: ['roles.manage'], remove: ['invoices.delete'] })).status).toBe(200);
      const members = (await call(owner, 'GET', '/api/admin/members')).body.members as { id: string; email: string }[];
      const m = members.find((x) => x.email === 'manager@acme.test');
      expect((await call(owner, 'PUT', `/api/admin/members/${m?.id}/roles`, { roleIds: [roleId] })).status).toBe(200);

      const before = t.mailer.sent.length;
      const asked = await elevate(manager, ['invoices.delete'], 5, 'Deleting an invoice issued twice');
      expect(asked.status).toBe(202);
      const id = String(asked.body.id);
      // Every other approver is told, never the requester.
      expect(t.mailer.sent.slice(before).map((x) => x.to)).toEqual(['owner@acme.test']);
      const self = await call(manager, 'POST', `/api/admin/elevation-requests/${id}/approve`, {});
      expect([self.status, code(self)]).toEqual([403, 'SELF_APPROVAL']);
      expect(await perms(manager)).not.toContain('invoices.delete');
      expect((await call(owner, 'POST', `/api/admin/elevation-requests/${id}/approve`, {})).status).toBe(201);
      expect(await perms(manager)).toContain('invoices.delete');
      const managerId = await userId('manager@acme.test');
      expect((await audit(id)).map((a) => [a.action, a.outcome, a.actor_user_id, a.details.code ?? null])).toEqual([
        ['elevation.request', 'succeeded', managerId, null],
        ['elevation.approve', 'denied', managerId, 'SELF_APPROVAL'],
        ['elevation.approve', 'succeeded', await userId('owner@acme.test'), null],
      ]);
    });

    it('never lets provider staff impersonating the owner decide; provider impersonation itself still works', async () => {
      const asked = await elevate(worker, ['opportunities.read'], 5, 'The customer asks about their open deal');
      expect(asked.status).toBe(202);
      const id = String(asked.body.id);
      await createStaff(db, { email: 'support-elev@platform.test', name: 'Support', space: 'provider', password: 'support-password-1' });
      const support = await signIn(t.app, 'support-elev@platform.test', 'support-password-1');
      const started = await call(support, 'POST', '/api/provider/impersonations', { tenantId: orgId, userEmail: 'owner@acme.test', reason: 'Ticket 7: owner cannot see the team page', minutes: 10, password: 'support-password-1' });
      expect(started.status).toBe(201);
      expect((await call(support, 'GET', '/api/me')).body).toMatchObject({ orgId, roles: ['owner'] });
      for (const verb of ['approve', 'deny']) {
        const r = await call(support, 'POST', `/api/admin/elevation-requests/${id}/${verb}`, {});
        expect([r.status, code(r)]).toEqual([403, 'IMPERSONATION_CANNOT_DECIDE']);
      }
      expect(await perms(worker)).not.toContain('opportunities.read');
      expect((await call(support, 'DELETE', '/api/impersonation')).status).toBe(204);
      expect((await call(owner, 'POST', `/api/admin/elevation-requests/${id}/deny`, {})).status).toBe(204);
      const supportId = await userId('support-elev@platform.test');
      expect((await audit(id)).map((a) => [a.action, a.outcome, a.actor_user_id === supportId])).toEqual([
        ['elevation.request', 'succeeded', false],
        ['elevation.approve', 'denied', true],
        ['elevation.deny', 'denied', true],
        ['elevation.deny', 'succeeded', false],
      ]);
    });

    it('grants within the ceiling at once and refuses beyond it for a role that may not ask, as the owner set it', async () => {
      const staffRole = await role('staff');
      expect(staffRole?.elevation).toEqual({ ceiling: ['reports.read'], beyond: 'ask_owner' });
      const locked = await call(owner, 'PATCH', `/api/admin/roles/${staffRole?.id}`, { elevation: { ceiling: ['reports.read', 'roles.manage'] } });
      expect([locked.status, code(locked)]).toEqual([422, 'SCOPE_NOT_ELEVATABLE']);
      const set = await call(owner, 'PATCH', `/api/admin/roles/${staffRole?.id}`, { elevation: { ceiling: ['reports.read', 'import.run'], beyond: 'refuse' } });
      expect(set.status).toBe(200);
      expect(set.body.elevation).toEqual({ ceiling: ['import.run', 'reports.read'], beyond: 'refuse' });

      await addTestUser(db, { email: 'staff-cap@acme.test', tenant: 'acme', role: 'staff' });
      const staff = await signIn(t.app, 'staff-cap@acme.test');
      const refused = await elevate(staff, ['reports.read', 'audit.read']);
      expect([refused.status, code(refused)]).toEqual([403, 'ELEVATION_NOT_ALLOWED']);
      expect((refused.body.error as { details: { scopes: string[] } }).details.scopes).toEqual(['audit.read']);
      expect(await perms(staff)).not.toContain('reports.read');
      const [req] = await db.rows<{ n: number }>(sql`select count(*)::int as n from elevation_requests where user_id = ${await userId('staff-cap@acme.test')}`);
      expect(req?.n).toBe(0);

      const granted = await elevate(staff, ['import.run']);
      expect(granted.status).toBe(201);
      expect(await perms(staff)).toContain('import.run');

      const staffId = await userId('staff-cap@acme.test');
      const trail = await db.rows<{ action: string; outcome: string; code: string | null }>(
        sql`select action, outcome, details->>'code' as code from audit_log where actor_user_id = ${staffId} and action like 'elevation.%' order by id`,
      );
      expect(trail).toEqual([
        { action: 'elevation.grant', outcome: 'denied', code: 'ELEVATION_NOT_ALLOWED' },
        { action: 'elevation.grant', outcome: 'succeeded', code: null },
      ]);
      const versions = (await call(owner, 'GET', `/api/admin/roles/${staffRole?.id}/versions`)).body.versions as { change: { elevation?: unknown } }[];
      expect(versions[0]?.change.elevation).toEqual({ ceiling: ['reports.read', 'import.run'], beyond: 'refuse' });
    });

    it('caps renewals: three elevations and 120 minutes a day, approvals included, then again after the window', async () => {
      const w = await newWorker('renewals@acme.test');
      for (let i = 0; i < 3; i++) {
        expect((await elevate(w, ['leads.read'], 10)).status).toBe(201);
        t.clock.advance(11 * 60_000);
      }
      const fourth = await elevate(w, ['leads.read'], 10);
      expect([fourth.status, code(fourth)]).toEqual([409, 'ELEVATION_LIMIT_REACHED']);
      expect((fourth.body.error as { details: { limit: string } }).details.limit).toBe('elevations');
      expect(await perms(w)).not.toContain('leads.read');
      // Not around the cap through an owner either: the request is refused before anyone is emailed.
      const sent = t.mailer.sent.length;
      const asked = await elevate(w, ['audit.read'], 10);
      expect([asked.status, code(asked)]).toEqual([409, 'ELEVATION_LIMIT_REACHED']);
      expect(t.mailer.sent.length).toBe(sent);

      t.clock.advance(24 * 3_600_000);
      expect((await elevate(w, ['leads.read'], 60)).status).toBe(201);
      // A pending request is held to the cap when the owner approves it too.
      const waiting = await elevate(w, ['audit.read'], 30, 'Checking an audit trail for the office');
      expect(waiting.status).toBe(202);
      t.clock.advance(61 * 60_000);
      expect((await elevate(w, ['leads.read'], 60)).status).toBe(201);
      const overMinutes = await call(owner, 'POST', `/api/admin/elevation-requests/${String(waiting.body.id)}/approve`, {});
      expect([overMinutes.status, code(overMinutes)]).toEqual([409, 'ELEVATION_LIMIT_REACHED']);
      expect((overMinutes.body.error as { details: { limit: string; minutes: number } }).details).toMatchObject({ limit: 'minutes', minutes: 120 });
      expect(await perms(w)).not.toContain('audit.read');

      const wId = await userId('renewals@acme.test');
      const refusals = await db.rows<{ action: string; code: string }>(
        sql`select action, details->>'code' as code from audit_log where outcome = 'denied' and action like 'elevation.%'
            and (actor_user_id = ${wId} or target_id = ${String(waiting.body.id)}) order by id`,
      );
      expect(refusals).toEqual([
        { action: 'elevation.grant', code: 'ELEVATION_LIMIT_REACHED' },
        { action: 'elevation.grant', code: 'ELEVATION_LIMIT_REACHED' },
        { action: 'elevation.approve', code: 'ELEVATION_LIMIT_REACHED' },
      ]);
    });

    it('lets a member withdraw a pending request, and caps how many wait at once', async () => {
      const w = await newWorker('pending@acme.test');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await elevate(w, ['payments.read'], 5, `Payment question number ${i + 1} from a customer`);
        expect(r.status).toBe(202);
        ids.push(String(r.body.id));
      }
      const fourth = await elevate(w, ['payments.read'], 5);
      expect([fourth.status, code(fourth)]).toEqual([409, 'ELEVATION_LIMIT_REACHED']);
      expect((await call(worker, 'DELETE', `/api/admin/elevation-requests/${ids[0] ?? ''}`)).status).toBe(404);
      expect((await call(w, 'DELETE', `/api/admin/elevation-requests/${ids[0] ?? ''}`)).status).toBe(204);
      const late = await call(owner, 'POST', `/api/admin/elevation-requests/${ids[0] ?? ''}/approve`, {});
      expect([late.status, code(late)]).toEqual([409, 'REQUEST_NOT_PENDING']);
      expect((await elevate(w, ['payments.read'], 5)).status).toBe(202);
      // A request nobody decided in time can no longer be approved.
      t.clock.advance(25 * 3_600_000);
      const stale = await call(owner, 'POST', `/api/admin/elevation-requests/${ids[1] ?? ''}/approve`, {});
      expect([stale.status, code(stale)]).toEqual([409, 'REQUEST_EXPIRED']);
      const mine = (await call(w, 'GET', '/api/admin/elevation-requests')).body.requests as { id: string; status: string }[];
      expect(mine.find((r) => r.id === ids[0])?.status).toBe('cancelled');
      expect(mine.find((r) => r.id === ids[1])?.status).toBe('expired');
      expect((await audit(ids[0] ?? '')).map((a) => a.action)).toEqual(['elevation.request', 'elevation.cancel', 'elevation.approve']);
    });
  });
}
