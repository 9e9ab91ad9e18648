/**
 * The permission registry: every permission the server checks, in one typed
 * list. Roles are sets of these; the UI hides what a role lacks, the server
 * always enforces.
 */

/** Tenant tables that carry read/create/update/delete permissions. */
export const PERMISSION_TABLES = [
  'companies',
  'contacts',
  'leads',
  'opportunities',
  'tasks',
  'activities',
  'work_orders',
  'time_entries',
  'quotes',
  'invoices',
  'payments',
] as const;
export type PermissionTable = (typeof PERMISSION_TABLES)[number];

export const CRUD_ACTIONS = ['read', 'create', 'update', 'delete'] as const;
export type CrudAction = (typeof CRUD_ACTIONS)[number];

export const ADMIN_PERMISSIONS = [
  'billing.manage',
  'roles.manage',
  'members.manage',
  'settings.manage',
  'audit.read',
  'import.run',
  'reports.read',
] as const;

type TablePermission = `${PermissionTable}.${CrudAction}`;
export type Permission = TablePermission | (typeof ADMIN_PERMISSIONS)[number];

export const PERMISSIONS: readonly Permission[] = [
  ...PERMISSION_TABLES.flatMap((t) => CRUD_ACTIONS.map((a): Permission => `${t}.${a}`)),
  ...ADMIN_PERMISSIONS,
];

/**
 * Permissions a break-glass elevation never grants. Each one could turn a
 * temporary grant into a lasting one (assigning oneself a role, adding
 * members) or reaches beyond the member's own work (the tenant's billing and
 * settings); they are only ever held through a role an owner assigned.
 */
export const NON_ELEVATABLE_PERMISSIONS = [
  'roles.manage',
  'members.manage',
  'billing.manage',
  'settings.manage',
] as const satisfies readonly Permission[];

const NON_ELEVATABLE: ReadonlySet<string> = new Set(NON_ELEVATABLE_PERMISSIONS);

/** True when an elevation may grant `permission` (see NON_ELEVATABLE_PERMISSIONS). */
export function isElevatable(permission: Permission): boolean {
  return !NON_ELEVATABLE.has(permission);
}

const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

/** True when `value` names a permission of the registry. */
export function isPermission(value: string): value is Permission {
  return PERMISSION_SET.has(value);
}

/** The permission a table operation needs. */
export function tablePermission(table: PermissionTable, action: CrudAction): Permission {
  return `${table}.${action}`;
}

const all = (table: PermissionTable): Permission[] => CRUD_ACTIONS.map((a) => tablePermission(table, a));
const some = (table: PermissionTable, ...actions: CrudAction[]): Permission[] =>
  actions.map((a) => tablePermission(table, a));

export const DEFAULT_ROLE_KEYS = ['owner', 'manager', 'staff', 'worker'] as const;
export type DefaultRoleKey = (typeof DEFAULT_ROLE_KEYS)[number];

/**
 * The default role matrix (docs/spaces-and-roles.md shows it as a table).
 * Industry templates start from it; owners then clone and edit roles.
 */
export const DEFAULT_ROLES: Record<DefaultRoleKey, { name: string; permissions: Permission[] }> = {
  owner: { name: 'Owner', permissions: [...PERMISSIONS] },
  manager: {
    name: 'Manager',
    permissions: [
      ...PERMISSION_TABLES.flatMap(all),
      'audit.read',
      'import.run',
      'reports.read',
      'members.manage',
    ],
  },
  staff: {
    name: 'Staff',
    permissions: [
      ...some('companies', 'read', 'create', 'update'),
      ...some('contacts', 'read', 'create', 'update'),
      ...some('leads', 'read', 'create', 'update'),
      ...some('opportunities', 'read', 'create', 'update'),
      ...all('tasks'),
      ...some('activities', 'read', 'create', 'update'),
      ...some('work_orders', 'read', 'create', 'update'),
      ...some('time_entries', 'read', 'create', 'update'),
      ...some('quotes', 'read', 'create', 'update'),
      ...some('invoices', 'read'),
      ...some('payments', 'read'),
    ],
  },
  worker: {
    name: 'Field worker',
    permissions: [
      ...some('companies', 'read'),
      ...some('contacts', 'read'),
      ...some('tasks', 'read', 'update'),
      ...some('activities', 'read', 'create'),
      ...some('work_orders', 'read', 'update'),
      ...some('time_entries', 'read', 'create', 'update'),
    ],
  },
};
