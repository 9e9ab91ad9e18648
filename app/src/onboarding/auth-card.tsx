import type { FormEvent, ReactNode } from 'react';
import './onboarding.css';

/**
 * The one layout of the signed-out pages (sign-in, sign-up, confirm email,
 * choose and reset a password): a centred card on the page background with
 * the StreamFlow mark. The shell is not there yet: nobody is signed in.
 */
export function AuthCard({ title, children, onSubmit, role, footer }: { title: string; children: ReactNode; onSubmit?: (e: FormEvent<HTMLFormElement>) => void; role?: 'status'; footer?: ReactNode }) {
  const body = (
    <>
      <div className="sf-auth-brand">
        <span className="sf-brand-mark" aria-hidden="true">S</span>
        <span className="sf-brand-name">StreamFlow</span>
      </div>
      <h1 id="auth-title" className="sf-auth-title">{title}</h1>
      {children}
    </>
  );
  return (
    <main className="sf-auth">
      {onSubmit ? (
        <form className="sf-card sf-auth-card" onSubmit={onSubmit} aria-labelledby="auth-title" noValidate={false}>
          {body}
        </form>
      ) : (
        <section className="sf-card sf-auth-card" role={role} aria-labelledby="auth-title">
          {body}
        </section>
      )}
      {footer && <div className="sf-auth-footer">{footer}</div>}
    </main>
  );
}

/** A form-level error under the fields of a signed-out page. */
export function AuthError({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="error-message">
      <span>{children}</span>
    </div>
  );
}
