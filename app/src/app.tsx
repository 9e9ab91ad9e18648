import { useCallback, useEffect, useState } from 'react';
import { decidePage, homePathOf } from '@streamflow/schema/spaces';
import { api, ApiError, type Me } from './api.ts';
import { ClientSpace } from './client/client-space.tsx';
import { clearLocalData, sweepOtherLocalData } from './local-db/open.ts';
import { announceSessionChanged, onSessionChanged } from './shell/session-channel.ts';
import { confirmLosingLocalChanges } from './local-db/provider.tsx';
import { ForgotPassword } from './shell/forgot-password.tsx';
import { TenantSwitcher } from './shell/tenant-switcher.tsx';
import { isStaffSpace, StaffSpace } from './spaces/staff-space.tsx';
import { navigate, usePath } from './router.ts';
import { SetPassword } from './set-password.tsx';
import { SignIn } from './sign-in.tsx';
import { Signup } from './signup.tsx';

type State = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me } | { kind: 'error'; message: string };

const ME_KEY = 'streamflow.me';

/** Remembers the signed-in member (no secrets: ids, name, roles) for an offline start. */
function cacheMe(me: Me | null): void {
  try {
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
    else localStorage.removeItem(ME_KEY);
  } catch {
    // Storage disabled: offline start is simply not available.
  }
}

function readCachedMe(): Me | null {
  try {
    const raw = localStorage.getItem(ME_KEY);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

/**
 * The app shell: asks the server who is signed in, shows sign-in otherwise,
 * and lands the user on their space's dashboard.
 */
export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = usePath();

  const load = useCallback(async () => {
    try {
      const me = await api<Me>('/api/me').catch((err: unknown) => {
        // No network: start from who was signed in last on this browser (cleared on sign-out),
        // so the app opens on its local data; the server checks the session again on reconnect.
        const cached = err instanceof ApiError ? null : readCachedMe();
        if (cached) return cached;
        throw err;
      });
      cacheMe(me);
      setState({ kind: 'signed-in', me });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setState({ kind: 'signed-out' });
        // Signed out: no local database of anyone stays readable (one refused while open goes now).
        void sweepOtherLocalData(null);
      } else setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Another tab signed out or switched tenant: this one reloads, so it never uploads
  // or syncs for a session that now means another tenant (or none).
  useEffect(() => onSessionChanged(() => window.location.reload()), []);

  // Pages of another space or tenant, old flat URLs and `/` move to where this user belongs
  // (the same rule the server's page guard applies: @streamflow/schema/spaces).
  const me = state.kind === 'signed-in' ? state.me : null;
  const decision = me ? decidePage(me, path) : null;
  const redirectTo = decision && decision.kind !== 'ok' ? decision.to : null;
  useEffect(() => {
    if (redirectTo) navigate(redirectTo, { replace: true });
  }, [redirectTo]);

  const signOut = async () => {
    if (!(await confirmLosingLocalChanges('Signing out'))) return;
    try {
      await api('/api/auth/sign-out', { method: 'POST', body: '{}' });
    } catch (err) {
      // The session cookie can only be ended by the server: offline, nothing is deleted yet.
      if (!(err instanceof ApiError)) {
        window.alert('Signing out needs a connection, so that your session ends on the server too. Your data stays on this device until then.');
        return;
      }
    }
    cacheMe(null);
    announceSessionChanged();
    // Nothing of this user's tenant data stays readable in this browser: what the open
    // database's worker still holds is deleted by the signed-out page's sweep.
    if (state.kind === 'signed-in' && state.me.tenantId) void clearLocalData(state.me.id, state.me.tenantId);
    window.location.replace('/');
  };

  switch (state.kind) {
    case 'loading':
      return <main className="center" aria-busy="true">Loading StreamFlow…</main>;
    case 'signed-out':
      if (path === '/signup') {
        return (
          <Signup
            onSignedIn={(dashboard) => {
              navigate(dashboard, { replace: true });
              void load();
            }}
          />
        );
      }
      if (path === '/reset-password') return <SetPassword />;
      if (path === '/forgot-password') return <ForgotPassword />;
      return <SignIn onSignedIn={() => void load()} />;
    case 'error':
      return (
        <main className="center" role="alert">
          <p>StreamFlow could not reach its server: {state.message}</p>
          <button type="button" onClick={() => void load()}>Try again</button>
        </main>
      );
    case 'signed-in': {
      const signedIn = state.me;
      return (
        <main className="shell">
          <a className="skip-link" href="#main">Skip to content</a>
          <header className="topbar">
            <strong>StreamFlow</strong>
            <span className="space">{signedIn.space}</span>
            <span className="grow" />
            <TenantSwitcher me={signedIn} />
            <span>{signedIn.email}</span>
            <button type="button" onClick={() => void signOut()}>Sign out</button>
          </header>
          {redirectTo ? (
            <p aria-busy="true" className="muted">Opening {homePathOf(signedIn) === redirectTo ? 'your dashboard' : 'the page'}…</p>
          ) : signedIn.space === 'client' && signedIn.tenantId ? (
            <ClientSpace me={{ ...signedIn, tenantId: signedIn.tenantId }} path={path} />
          ) : isStaffSpace(signedIn.space) ? (
            <StaffSpace me={{ ...signedIn, space: signedIn.space }} path={path} />
          ) : (
            <section className="card" role="alert">
              <h1>No tenant yet</h1>
              <p>Your account does not belong to a company on StreamFlow. Ask its owner for an invitation, or sign up to start your own.</p>
            </section>
          )}
        </main>
      );
    }
  }
}
