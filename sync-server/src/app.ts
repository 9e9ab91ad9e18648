import { Hono } from 'hono';
import { authRoutes } from './auth/routes.ts';
import { sessionMiddleware } from './auth/session-middleware.ts';
import type { AppEnv, Deps } from './context.ts';
import { CommonErrors, envelope } from './errors.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { requestContext } from './middleware/request-context.ts';
import { healthRoutes } from './routes/health.ts';
import { staticAppRoutes } from './routes/static-app.ts';
import { pageGuard } from './routes/page-guard.ts';
import { writeRoutes } from './write/route.ts';
import { adminRoutes } from './admin/routes.ts';
import { elevationRequestRoutes } from './admin/elevation-request-routes.ts';
import { jobsRoutes } from './jobs/routes.ts';
import { onboardingRoutes } from './onboarding/routes.ts';
import { provisioningRoutes } from './provisioning/routes.ts';
import { impersonationGuard, impersonationRoutes } from './auth/impersonation.ts';
import { publicRoute } from './auth/guards.ts';
import { createMetrics } from './metrics.ts';
import { originCheck, securityHeaders } from './middleware/security-headers.ts';
import { rateLimits } from './rate-limit/limits.ts';
import { authAudit } from './auth/auth-audit.ts';
import { authBodyType } from './auth/auth-gateway.ts';
import { shapeEngineFor, shapeRoutes } from './shapes/route.ts';
import type { BillingDeps } from './billing/deps.ts';
import { clientBillingRoutes } from './billing/connect-routes.ts';
import { shapeEntitlements } from './billing/entitlements.ts';
import { billingRoutes } from './billing/provider-routes.ts';
import { createStripe } from './billing/stripe-client.ts';
import { stripeWebhookRoutes } from './billing/webhook-routes.ts';
import { teamRoutes } from './admin/team.ts';
import { sessionRoutes } from './auth/sessions.ts';
import { accountingRoutes } from './accounting/routes.ts';
import { diagnosticsRoutes } from './dev/diagnostics.ts';

export type { Deps } from './context.ts';

/**
 * Builds the whole HTTP app from its dependencies. Only `main.ts` reads the
 * environment and listens on a port; tests call `app.request()` directly.
 */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  const metrics = deps.metrics ?? createMetrics();
  deps = { ...deps, metrics };
  app.use(requestContext(deps.logger, metrics));
  app.onError(errorHandler(deps.logger));
  app.use(securityHeaders({ hsts: deps.env.NODE_ENV === 'production' }));
  app.use(originCheck([deps.env.PUBLIC_URL, ...deps.env.TRUSTED_ORIGINS]));

  // Before the limiter and the audit: both read the JSON body, so no other body type may pass.
  app.use('/api/auth/*', authBodyType);
  const limits = rateLimits(deps);
  for (const [path, mw] of limits.beforeSession) app.use(path, mw);
  app.use('/api/auth/*', authAudit(deps));
  app.use(sessionMiddleware(deps));
  app.use(impersonationGuard(deps));
  app.use('/api/write', limits.write);

  app.route('/', healthRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', writeRoutes(deps));
  const billing: BillingDeps = { ...deps, stripeProvider: deps.stripeProvider === undefined ? createStripe(deps.env) : deps.stripeProvider };
  const shapes = deps.shapes ?? shapeEngineFor(deps);
  // A shape of a module the plan has off answers 403 before the engine sees it.
  app.use('/v1/shape', shapeEntitlements(billing));
  app.route('/', shapeRoutes({ ...deps, engine: shapes }));
  app.route('/', billingRoutes(billing));
  app.route('/', clientBillingRoutes(billing));
  app.route('/', stripeWebhookRoutes(billing));
  app.route('/', adminRoutes(deps));
  app.route('/', elevationRequestRoutes(deps));
  app.route('/', teamRoutes(deps));
  app.route('/', sessionRoutes(deps));
  app.route('/', accountingRoutes(deps));
  app.route('/', diagnosticsRoutes({ ...deps, metrics, engine: shapes }));
  app.route('/', impersonationRoutes(deps));
  app.route('/', provisioningRoutes(deps));
  app.route('/', onboardingRoutes(deps));
  app.route('/', jobsRoutes(deps));
  // Counters and latencies only: no tenant data.
  app.get('/metrics', publicRoute, (c) =>
    c.text(metrics.render() + shapes.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4' }),
  );

  if (deps.appDistDir) app.route('/', staticAppRoutes(deps.appDistDir, pageGuard(deps)));

  app.notFound((c) =>
    c.json(envelope(CommonErrors.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}.`), 404),
  );
  return app;
}

export type App = ReturnType<typeof createApp>;
