import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ADMIN_PERMISSIONS, CRUD_ACTIONS, PERMISSION_TABLES } from '@streamflow/schema';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';

/*
 * Owner administration of members and roles (PRODUCT.md 4): clone a role,
 * toggle its permissions, assign roles to members. It talks to the admin API
 * directly (roles are server-only, never synced as writable tables), so it
 * needs a connection and says so when there is none. The server enforces
 * every rule (owner keeps roles.manage, the last owner stays, versions and
 * audit); this page shows its answers.
 */

interface Role {
  id: string;
  key: string;
  name: string;
  isSystem: boolean;
  version: number;
  permissions: string[];
  members: number;
}
interface Member {
  id: string;
  email: string;
  name: string;
  roles: string[];
}


export function TeamAdmin({ me }: { me: Me }) {
  const online = useOnline();
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const canRoles = me.perms.includes('roles.manage');
  const canMembers = me.perms.includes('members.manage');

  const load = useCallback(async () => {
    try {
      const [r, m] = await Promise.all([
        canRoles ? api<{ roles: Role[] }>('/api/admin/roles') : Promise.resolve({ roles: [] }),
        canMembers ? api<{ members: Member[] }>('/api/admin/members') : Promise.resolve({ members: [] }),
      ]);
      setRoles(r.roles);
      setMembers(m.members);
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
  }, [canRoles, canMembers]);
  useEffect(() => {
    if (online) void load();
  }, [online, load]);

  /** Runs an admin call, shows the server's answer, reloads. */
  const run = async (what: string, call: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await call();
      setMessage({ kind: 'ok', text: what });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
    await load();
  };

  if (!online) {
    return (
      <section className="card" role="alert">
        <h1>Team and roles</h1>
        <p>Managing members and roles needs a connection. Everything else keeps working offline; come back here when you are online.</p>
      </section>
    );
  }
  if (!roles || !members) return <p aria-busy="true">Loading the team…</p>;
  const role = roles.find((r) => r.id === selected) ?? null;
  return (
    <div className="detail">
      {message && <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'muted'}>{message.text}</p>}
      {canMembers && (
        <section className="card" aria-labelledby="members-title">
          <h1 id="members-title">Members</h1>
          <table className="list">
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th></tr></thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.name}</th>
                  <td>{m.email}</td>
                  <td>
                    {canRoles ? (
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={roles.find((r) => r.key === m.roles[0])?.id ?? ''}
                        onChange={(e) => void run(`${m.name} now has the role ${roles.find((r) => r.id === e.target.value)?.name ?? ''}.`, () => api(`/api/admin/members/${m.id}/roles`, { method: 'PUT', body: JSON.stringify({ roleIds: [e.target.value] }) }))}
                      >
                        {roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
                      </select>
                    ) : (
                      m.roles.join(', ')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {canRoles && (
        <section className="card" aria-labelledby="roles-title">
          <h2 id="roles-title">Roles</h2>
          <ul className="roles">
            {roles.map((r) => (
              <li key={r.id}>
                <button type="button" className={r.id === selected ? '' : 'secondary'} aria-pressed={r.id === selected} onClick={() => setSelected(r.id)}>
                  {r.name}
                </button>{' '}
                <span className="muted">{r.members} members · version {r.version}{r.isSystem ? ' · default' : ''}</span>
              </li>
            ))}
          </ul>
          {role && <RoleEditor key={role.id} role={role} run={run} />}
        </section>
      )}
    </div>
  );
}

/** A role key the server accepts (`^[a-z][a-z0-9_]{1,39}$`) from a display name. */
export function roleKeyOf(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const key = /^[a-z]/.test(slug) ? slug : `role_${slug}`;
  return (key.length < 2 ? `${key}_role` : key).slice(0, 40).replace(/_+$/, '');
}

function RoleEditor({ role, run }: { role: Role; run: (what: string, call: () => Promise<unknown>) => Promise<void> }) {
  const [cloneName, setCloneName] = useState('');
  // A toggle shows at once; the server's answer (the reloaded role) replaces it, or the error says why not.
  const [intent, setIntent] = useState<Record<string, boolean>>({});
  const has = (p: string) => intent[p] ?? role.permissions.includes(p);
  const toggle = (p: string, on: boolean) => {
    setIntent({ ...intent, [p]: on });
    void run(`${role.name}: ${p} ${on ? 'allowed' : 'removed'}.`, () => api(`/api/admin/roles/${role.id}`, { method: 'PATCH', body: JSON.stringify(on ? { add: [p] } : { remove: [p] }) })).then(() =>
      setIntent(({ [p]: _done, ...rest }) => rest),
    );
  };
  const clone = (e: FormEvent) => {
    e.preventDefault();
    const name = cloneName.trim();
    if (!name) return;
    void run(`Role ${name} created from ${role.name}.`, () => api(`/api/admin/roles/${role.id}/clone`, { method: 'POST', body: JSON.stringify({ key: roleKeyOf(name), name }) }));
    setCloneName('');
  };
  return (
    <div className="role-editor">
      <h3>{role.name}: permissions</h3>
      <table className="list perms compact">
        <thead>
          <tr><th scope="col">Records</th>{CRUD_ACTIONS.map((a) => <th key={a} scope="col">{a}</th>)}</tr>
        </thead>
        <tbody>
          {PERMISSION_TABLES.map((t) => (
            <tr key={t}>
              <th scope="row">{t.replace(/_/g, ' ')}</th>
              {CRUD_ACTIONS.map((a) => {
                const p = `${t}.${a}`;
                return (
                  <td key={a}>
                    <input type="checkbox" aria-label={`${role.name}: ${p}`} checked={has(p)} onChange={(e) => toggle(p, e.target.checked)} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset>
        <legend>Administration</legend>
        {ADMIN_PERMISSIONS.map((p) => (
          <label key={p} className="perm">
            <input type="checkbox" aria-label={`${role.name}: ${p}`} checked={has(p)} onChange={(e) => toggle(p, e.target.checked)} /> {p}
          </label>
        ))}
      </fieldset>
      <form className="row" onSubmit={clone} aria-label={`Clone ${role.name}`}>
        <label>
          New role from {role.name} <input value={cloneName} onChange={(e) => setCloneName(e.target.value)} placeholder="e.g. Senior technician" />
        </label>
        <button type="submit">Clone role</button>
      </form>
    </div>
  );
}
