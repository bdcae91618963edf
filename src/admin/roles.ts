import type { AdminRole } from '../storage/ports/index.js';

/**
 * Least privilege: an auditor reads the record but cannot change anything, nor read message
 * bodies; an operator handles incidents (contain, release, quarantine, notes) but cannot manage
 * accounts, the queue, settings or administrators; an admin may do everything.
 */
export type Permission =
  | 'read'
  | 'read-content'
  | 'contain'
  | 'quarantine'
  | 'incident-notes'
  | 'manage-accounts'
  | 'manage-queue'
  | 'manage-admins';

const grants: Record<AdminRole, ReadonlySet<Permission>> = {
  auditor: new Set(['read']),
  operator: new Set(['read', 'read-content', 'contain', 'quarantine', 'incident-notes']),
  admin: new Set(['read', 'read-content', 'contain', 'quarantine', 'incident-notes', 'manage-accounts', 'manage-queue', 'manage-admins']),
};

export const ROLES: readonly AdminRole[] = ['admin', 'operator', 'auditor'];

export function isRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: AdminRole, permission: Permission): boolean {
  return grants[role].has(permission);
}

export function permissionsOf(role: AdminRole): Permission[] {
  return [...grants[role]];
}
