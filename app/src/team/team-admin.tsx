import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { WifiOff } from 'lucide-react';
import { ADMIN_PERMISSIONS, CRUD_ACTIONS, PERMISSION_TABLES } from '@streamflow/schema';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';
import { Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { Checkbox, NativeSelect, TextField } from '../ui/field.tsx';
import { Badge, Card, EmptyState, PageHeader, Skeleton } from '../ui/page.tsx';
import { ACTION_WORDS, TABLE_WORDS, permissionLabel } from './permission-words.ts';
import { errorSentence } from '../ui/messages.ts';
import './team.css';

/*
 * Owner administration of members and roles (PRODUCT.md 4): clone a role,
 * toggle its permissions, assign roles to members. It talks to the admin API
 * directly (roles are server-only, never synced as writable tables), so it
 * needs a connection and says so when there is none. The server enforces
 * every rule (owner keeps roles.manage, the last owner stays, versions and
 * audit); this page shows its answers, in words.
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

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

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
      setMessage({ kind: 'error', text: errorSentence(err, 'The change was not saved. Try again.') });
    }
  }, [canRoles, canMembers]);
  useEffect(() => {
    if (online) void load();
  }, [online, load]);

  /** Runs an admin call, says what happened, reloads. */
  const run = async (what: string, call: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await call();
      setMessage({ kind: 'ok', text: what });
    } catch (err) {
      setMessage({ kind: 'error', text: errorSentence(err, 'The change was not saved. Try again.') });
    }
    await load();
  };

  const header = <PageHeader title="Team" count={members && canMembers ? `${members.length.toLocaleString()} member${members.length === 1 ? '' : 's'}` : undefined} description="Who is in your workspace and what each role may do." />;
  if (!online) {
    return (
      <>
        {header}
        <EmptyState icon={<WifiOff size={28} />} title="Team and roles need a connection">
          Everything else keeps working offline; come back here when you are online.
        </EmptyState>
      </>
    );
  }
  if (!roles || !members) {
    return (
      <>
        {header}
        {message ? <div role="alert" className="error-message">{message.text}</div> : <Skeleton rows={6} label="Loading the team" />}
      </>
    );
  }
  const role = roles.find((r) => r.id === selected) ?? null;
  const roleName = (key: string) => roles.find((r) => r.key === key)?.name ?? key;
  return (
    <>
      {header}
      {message && (message.kind === 'error'
        ? <div role="alert" className="error-message">{message.text}</div>
        : <p role="status" className="sf-muted team-message">{message.text}</p>)}
      {canMembers && (
        <Card id="members" title="Members">
          <div className="sf-table-wrap">
            <table className="sf-table">
              <thead><tr><th scope="col">Name</th><th scope="col" className="team-secondary">Email</th><th scope="col">Role</th></tr></thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">{m.name}</th>
                    <td className="team-secondary">{m.email}</td>
                    <td>
                      {canRoles ? (
                        <NativeSelect
                          hideLabel
                          label={`Role of ${m.name}`}
                          value={roles.find((r) => r.key === m.roles[0])?.id ?? ''}
                          onChange={(id) => void run(`${m.name} now has the role ${roles.find((r) => r.id === id)?.name ?? ''}.`, () => api(`/api/admin/members/${m.id}/roles`, { method: 'PUT', body: JSON.stringify({ roleIds: [id] }) }))}
                          options={roles.map((r) => ({ id: r.id, label: r.name }))}
                        />
                      ) : (
                        m.roles.map(roleName).join(', ')
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {canRoles && (
        <Card id="roles" title="Roles">
          <ul className="team-roles">
            {roles.map((r) => (
              <li key={r.id}>
                <Button variant={r.id === selected ? 'primary' : 'secondary'} aria-pressed={r.id === selected} onPress={() => setSelected(r.id)}>{r.name}</Button>
                <span className="team-role-meta">{r.members} member{r.members === 1 ? '' : 's'}{r.isSystem ? ' · default' : ''}</span>
              </li>
            ))}
          </ul>
          {role ? <RoleEditor key={role.id} role={role} run={run} /> : <p className="sf-muted">Choose a role to see and change what it may do.</p>}
        </Card>
      )}
    </>
  );
}

/** A role key the server accepts (`^[a-z][a-z0-9_]{1,39}$`) from a display name. */
export function roleKeyOf(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const key = /^[a-z]/.test(slug) ? slug : `role_${slug}`;
  return (key.length < 2 ? `${key}_role` : key).slice(0, 40).replace(/_+$/, '');
}

function RoleEditor({ role, run }: { role: Role; run: (what: string, call: () => Promise<unknown>) => Promise<void> }) {
  const [cloning, setCloning] = useState(false);
  const [cloneName, setCloneName] = useState('');
  const [cloneError, setCloneError] = useState<string | null>(null);
  // A toggle shows at once; the server's answer (the reloaded role) replaces it, or the error says why not.
  const [intent, setIntent] = useState<Record<string, boolean>>({});
  const has = (p: string) => intent[p] ?? role.permissions.includes(p);
  const toggle = (p: string, on: boolean) => {
    setIntent({ ...intent, [p]: on });
    const words = lowerFirst(permissionLabel(p));
    void run(`${role.name} ${on ? 'can now' : 'can no longer'} ${words}.`, () => api(`/api/admin/roles/${role.id}`, { method: 'PATCH', body: JSON.stringify(on ? { add: [p] } : { remove: [p] }) })).then(() =>
      setIntent(({ [p]: _done, ...rest }) => rest),
    );
  };
  const clone = (e?: FormEvent) => {
    e?.preventDefault();
    const name = cloneName.trim();
    if (!name) {
      setCloneError('Give the new role a name.');
      return;
    }
    void run(`Role ${name} created from ${role.name}.`, () => api(`/api/admin/roles/${role.id}/clone`, { method: 'POST', body: JSON.stringify({ key: roleKeyOf(name), name }) }));
    setCloneName('');
    setCloning(false);
  };
  return (
    <section aria-labelledby="role-editor-title">
      <div className="sf-card-header">
        <h3 id="role-editor-title" className="team-subtitle">What {role.name} may do {role.isSystem && <Badge>default role</Badge>}</h3>
        <Button variant="secondary" onPress={() => { setCloneError(null); setCloning(true); }}>Clone role</Button>
      </div>
      <div className="sf-table-wrap">
        <table className="sf-table sf-table-compact team-perms">
          <thead>
            <tr><th scope="col">Records</th>{CRUD_ACTIONS.map((a) => <th key={a} scope="col">{ACTION_WORDS[a]}</th>)}</tr>
          </thead>
          <tbody>
            {PERMISSION_TABLES.map((t) => (
              <tr key={t}>
                <th scope="row">{TABLE_WORDS[t].charAt(0).toUpperCase() + TABLE_WORDS[t].slice(1)}</th>
                {CRUD_ACTIONS.map((a) => {
                  const p = `${t}.${a}`;
                  return (
                    <td key={a}>
                      <Checkbox isSelected={has(p)} onChange={(on) => toggle(p, on)}>
                        <span className="sf-visually-hidden">{`${role.name}: ${permissionLabel(p)}`}</span>
                      </Checkbox>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4 className="team-subtitle">Administration</h4>
      <div className="team-admin-perms" role="group" aria-label="Administration">
        {ADMIN_PERMISSIONS.map((p) => (
          <Checkbox key={p} isSelected={has(p)} onChange={(on) => toggle(p, on)}>
            <span aria-hidden="true">{permissionLabel(p)}</span>
            <span className="sf-visually-hidden">{`${role.name}: ${permissionLabel(p)}`}</span>
          </Checkbox>
        ))}
      </div>
      <Dialog
        isOpen={cloning}
        onClose={() => setCloning(false)}
        title={`New role from ${role.name}`}
        footer={<><Button variant="secondary" onPress={() => setCloning(false)}>Keep as is</Button><Button variant="primary" onPress={() => clone()}>Clone role</Button></>}
      >
        <form onSubmit={clone} className="sf-form">
          <p className="sf-form-wide sf-muted">The new role starts with every permission {role.name} has; change them after.</p>
          <TextField className="sf-form-wide" label="Name of the new role" value={cloneName} onChange={setCloneName} placeholder="Senior technician" error={cloneError} isRequired autoFocus />
        </form>
      </Dialog>
    </section>
  );
}
