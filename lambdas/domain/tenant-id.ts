/**
 * Tenant ids: what a group name or an app client id can hold, kept to a safe alphabet (no `/` or
 * `=`, so `tenant=<id>` is one directory or prefix part: the analytics partitions rely on it). In
 * domain/ so that the build-time checks of supplied contracts (fee-data) read the same pattern as
 * the application layer (app/tenant.ts re-exports it).
 */
export const TENANT_ID = /^[A-Za-z0-9._-]{1,128}$/;
