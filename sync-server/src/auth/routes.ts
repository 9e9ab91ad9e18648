import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { preferencesInput, resolveEntitlements, THEME_CHOICES, type ThemeChoiceKey } from '@streamflow/schema';
import { readJson } from '../json-body.ts';
import type { AppEnv } from '../context.ts';
import type { Database } from '../db/types.ts';
import { transitionsFrom } from '../write/rules.ts';
import type { Auth } from './better-auth.ts';
import { authGateway } from './auth-gateway.ts';
import { principalOf, publicRoute, requireAuth } from './guards.ts';

/** The tenant's opportunity stages, in order, from its template (`settings.pipeline`); empty when unset. */
export function pipelineFrom(settings: unknown): { key: string; label: string; outcome?: 'won' | 'lost' }[] {
  const stages = (settings as { pipeline?: unknown } | null)?.pipeline;
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((s: unknown) => {
    const st = s as { key?: unknown; label?: unknown; outcome?: unknown };
    if (typeof st.key !== 'string' || typeof st.label !== 'string') return [];
    return [{ key: st.key, label: st.label, ...(st.outcome === 'won' || st.outcome === 'lost' ? { outcome: st.outcome } : {}) }];
  });
}

/** The tenant's brand colour (`settings.brandColor`, set by the owner), or null. */
export function brandColorFrom(settings: unknown): string | null {
  const v = (settings as { brandColor?: unknown } | null)?.brandColor;
  return typeof v === 'string' && /^#[0-9a-f]{6}$/.test(v) ? v : null;
}

/**
 * better-auth's allow-listed endpoints (auth-gateway.ts) and `GET /api/me`: who is signed in, and for a
 * tenant member the work-order status changes the tenant allows, its
 * pipeline stages and the plan's modules (the app keeps them to offer only
 * what applies, also offline).
 */
export function authRoutes(deps: { auth: Auth; db: Database }) {
  const { auth, db } = deps;
  return new Hono<AppEnv>()
    .on(['GET', 'POST'], '/api/auth/*', publicRoute, authGateway(auth))
    .get('/api/me', requireAuth, async (c) => {
      const p = principalOf(c);
      const [org] = p.orgId
        ? await db.rows<{ settings: unknown; plan: string; entitlements: unknown }>(sql`select settings, plan, entitlements from organization where id = ${p.orgId}`)
        : [];
      // Who is acting: an impersonating staffer keeps their own theme.
      const [prefs] = await db.rows<{ theme: string | null }>(sql`select preferences->>'theme' as theme from "user" where id = ${p.impersonatedBy ?? p.userId}`);
      return c.json({
        id: p.userId,
        email: p.email,
        name: p.name,
        orgId: p.orgId,
        tenantId: p.orgId,
        space: p.space,
        roles: p.roles,
        perms: [...p.perms].sort(),
        workOrderTransitions: p.orgId ? transitionsFrom(org?.settings ?? null) : null,
        pipeline: p.orgId ? pipelineFrom(org?.settings ?? null) : null,
        // The plan's modules: the app leaves out the pages and shapes of modules that are off (the server refuses them anyway).
        modules: p.orgId && org ? resolveEntitlements(org.entitlements, org.plan).modules : null,
        // The user's theme (null: never chosen, the device decides) and the tenant's brand colour.
        theme: (THEME_CHOICES as readonly string[]).includes(prefs?.theme ?? '') ? (prefs!.theme as ThemeChoiceKey) : null,
        brandColor: p.orgId ? brandColorFrom(org?.settings ?? null) : null,
      });
    })
    // The signed-in user's own preferences (the theme), kept so every device of theirs shows the same.
    .put('/api/me/preferences', requireAuth, async (c) => {
      const p = principalOf(c);
      const input = preferencesInput.parse(await readJson(c));
      await db.rows(sql`update "user" set preferences = preferences || ${JSON.stringify(input)}::jsonb, updated_at = now() where id = ${p.impersonatedBy ?? p.userId} returning id`);
      return c.json(input);
    });
}
