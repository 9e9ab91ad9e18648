/** @streamflow/schema: drizzle tables, zod validators, the permission registry. No I/O. */
export * from './tables/auth.ts';
export * from './tables/rbac.ts';
export * from './tables/crm.ts';
export * from './tables/field-service.ts';
export * from './tables/finance.ts';
export * from './tables/infrastructure.ts';
export * from './tables/write.ts';
export * from './tables/rate-limit.ts';
export * from './permissions.ts';
export * from './writable.ts';
export * from './hlc.ts';
export * from './templates.ts';
export * from './provisioning.ts';
export * from './tables/onboarding.ts';
export * from './tables/sync.ts';
export * from './onboarding.ts';
