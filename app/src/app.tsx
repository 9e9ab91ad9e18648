import { useCallback, useEffect, useState } from 'react';
import { decidePage, homePathOf } from '@streamflow/schema/spaces';
import { api, ApiError, type Me } from './api.ts';
import { ClientSpace } from './spaces/client-space.tsx';
import { clearLocalData, sweepOtherLocalData } from './local-db/open.ts';
import { announceSessionChanged, onSessionChanged } from './shell/session-channel.ts';
import { cacheMe, readCachedMe } from './shell/me-cache.ts';
import { confirmLosingLocalChanges } from './local-db/provider.tsx';
import { ForgotPassword } from './shell/forgot-password.tsx';
import { Button } from './ui/button.tsx';
import { isStaffSpace, StaffSpace } from './spaces/staff-space.tsx';
import { navigate, usePath } from './router.ts';
import { SetPassword } from './set-password.tsx';
import { SignIn } from './sign-in.tsx';
import { Signup } from './signup.tsx';
import { VerifyEmail } from './verify-email.tsx';

type State = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me } | { kind: 'error'; message: string };

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
      if (path === '/verify-email') {
        return (
          <VerifyEmail
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
      if (redirectTo) {
        return <main className="center" aria-busy="true">Opening {homePathOf(signedIn) === redirectTo ? 'your dashboard' : 'the page'}…</main>;
      }
      if (signedIn.space === 'client' && signedIn.tenantId) {
        return <ClientSpace me={{ ...signedIn, tenantId: signedIn.tenantId }} path={path} onSignOut={() => void signOut()} />;
      }
      if (isStaffSpace(signedIn.space)) return <StaffSpace me={{ ...signedIn, space: signedIn.space }} path={path} onSignOut={() => void signOut()} />;
      return (
        <main className="center">
          <section className="sf-card sf-card-narrow" role="alert">
            <h1>No company yet</h1>
            <p>Your account does not belong to a company on StreamFlow. Ask its owner for an invitation, or sign up to start your own.</p>
            <Button variant="secondary" onPress={() => void signOut()}>Sign out</Button>
          </section>
        </main>
      );
    }
  }
}
