import type { ModuleKey } from '@streamflow/schema';
import { config } from './config.ts';

export { ApiError, type ApiErrorBody } from './api-error.ts';
import { ApiError, type ApiErrorBody } from './api-error.ts';

/** JSON request to sync-server with the session cookie; throws ApiError with the envelope's message. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${config.apiBase}${path}`, {
    credentials: 'include',
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const env = body as Partial<ApiErrorBody> | null;
    throw new ApiError(res.status, env?.error?.code ?? 'HTTP_ERROR', env?.error?.message ?? `Request failed (${res.status}).`);
  }
  return body as T;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  tenantId: string | null;
  space: 'client' | 'provider' | 'dev' | 'accounting';
  roles: string[];
  perms: string[];
  /** Work-order status -> the statuses it may move to (tenant members). */
  workOrderTransitions: Record<string, string[]> | null;
  /** The tenant's opportunity stages in order, from its industry template (tenant members). */
  pipeline: { key: string; label: string; outcome?: 'won' | 'lost' }[] | null;
  /** The plan's modules, on or off (tenant members; null for staff and for a cached member from before modules were sent). */
  modules?: Partial<Record<ModuleKey, boolean>> | null;
  /** The user's theme, kept on the server for every device (null: never chosen). */
  theme?: string | null;
  /** The tenant's brand colour `#rrggbb` (tenant members), set by the owner. */
  brandColor?: string | null;
}
