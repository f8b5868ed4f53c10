/**
 * Production runs with two database roles (decisions/0016): an owner that runs the migrations and owns
 * every table, and the application's role that only reads and writes rows. These are the statements,
 * run as the owner after each migration (`npm run migrate -- --grant <role>`), that give the
 * application's role what it needs and no more: audit_log rows can be added, never changed, deleted or
 * truncated, and without ownership the role cannot ALTER the table or DISABLE its trigger either.
 */
export function appRoleGrants(role: string): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`not a plain role name: ${role}`);
  return [
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    // Tables a later migration creates get the same rights; audit_log is never among them.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
    // The audit trail: append-only for the application, whatever the trigger's fate.
    `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM ${role}`,
    // The migration bookkeeping is the owner's alone.
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON kysely_migration, kysely_migration_lock FROM ${role}`,
  ];
}
