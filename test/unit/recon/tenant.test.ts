import { describe, expect, it } from 'vitest';
import { tenantOf } from '../../../lambdas/app/tenant.js';

/** Claims as API Gateway's Cognito authorizer passes them (strings, groups comma-joined). */
const PEOPLE_CLIENT = '4kpeopleclient00000000000';

describe('tenantOf', () => {
  it('gives a machine client (no username claim) its client id as tenant', () => {
    expect(tenantOf({ client_id: 'machine-client-1', token_use: 'access' })).toBe('machine-client-1');
  });

  it('gives a person the tenant of their one tenant-<id> group', () => {
    expect(
      tenantOf({ username: 'u-1', client_id: PEOPLE_CLIENT, 'cognito:groups': 'bill-reviewers,tenant-acme' }),
    ).toBe('acme');
  });

  it('refuses a person with an empty username instead of falling back to the people client (issue 15, item 4)', () => {
    expect(tenantOf({ username: '', client_id: PEOPLE_CLIENT, 'cognito:groups': 'tenant-acme' })).toBeNull();
    expect(tenantOf({ username: '', client_id: PEOPLE_CLIENT })).toBeNull();
    expect(tenantOf({ username: '  ', client_id: PEOPLE_CLIENT })).toBeNull();
  });

  it('refuses a person with no tenant group, or several', () => {
    expect(tenantOf({ username: 'u-1', client_id: PEOPLE_CLIENT })).toBeNull();
    expect(
      tenantOf({ username: 'u-1', client_id: PEOPLE_CLIENT, 'cognito:groups': 'tenant-a,tenant-b' }),
    ).toBeNull();
  });
});
