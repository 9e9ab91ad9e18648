import type { ADMIN_PERMISSIONS, CRUD_ACTIONS, PERMISSION_TABLES } from '@streamflow/schema';

type Table = (typeof PERMISSION_TABLES)[number];
type Action = (typeof CRUD_ACTIONS)[number];
type Admin = (typeof ADMIN_PERMISSIONS)[number];

/** What a role may do, in the words the team page shows: never the key (`leads.update`). */
export const TABLE_WORDS: Record<Table, string> = {
  companies: 'companies', contacts: 'contacts', leads: 'leads', opportunities: 'opportunities', tasks: 'tasks', activities: 'notes and activity',
  work_orders: 'work orders', time_entries: 'time entries', quotes: 'quotes', invoices: 'invoices', payments: 'payments',
};
export const ACTION_WORDS: Record<Action, string> = { read: 'See', create: 'Add', update: 'Edit', delete: 'Delete' };
export const ADMIN_WORDS: Record<Admin, string> = {
  'billing.manage': 'Manage billing and the plan',
  'roles.manage': 'Manage roles and permissions',
  'members.manage': 'Manage members',
  'settings.manage': 'Change workspace settings',
  'audit.read': 'See the audit log',
  'import.run': 'Import from CSV files',
  'reports.read': 'See reports',
};

/** "Edit leads", "See the audit log"; an unknown key falls back to its words ("Widgets: frob"). */
export function permissionLabel(p: string): string {
  if (p in ADMIN_WORDS) return ADMIN_WORDS[p as Admin];
  const [table, action] = p.split('.') as [string, string | undefined];
  if (table in TABLE_WORDS && action && action in ACTION_WORDS) return `${ACTION_WORDS[action as Action]} ${TABLE_WORDS[table as Table]}`;
  return p.replace(/[._]/g, ' ');
}
