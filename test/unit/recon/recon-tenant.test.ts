import { describe, expect, it } from 'vitest';
import { type ReconBodyStore, reconBodyKeys } from '../../../lambdas/app/recon/ports.js';
import { priceSubmission } from '../../../lambdas/app/recon/service.js';
import { ppoContract90, suppliedIndex } from '../../support/supplied-index.js';

/*
 * A Recon is priced for the Recon's tenant (issue 20): its contracts apply. The contract's 90% is a
 * SUPPLIED INPUT; the PPO bucket is compared between tenants.
 */
const index = suppliedIndex({
  contracts: [ppoContract90('acme-client')],
});

function memoryBodies(): ReconBodyStore & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    put: async (key, body) => {
      map.set(key, typeof body === 'string' ? body : new TextDecoder().decode(body));
    },
    get: async (key) => (map.has(key) ? new TextEncoder().encode(map.get(key)) : null),
    delete: async (keys) => {
      for (const key of keys) map.delete(key);
    },
  };
}

async function pricedFor(tenant: string) {
  const bodies = memoryBodies();
  const requestId = 'req-recon-tenant-1';
  await bodies.put(
    reconBodyKeys.work(tenant, requestId, 'request'),
    JSON.stringify({
      controlNumber: 'CN-1',
      sequence: 1,
      jurisdiction: 'FL',
      serviceFacility: { zip: '33101' },
      billingProvider: { npi: '1234567893' },
      lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
    }),
  );
  const state = await priceSubmission(index, bodies, { requestId, claims: { client_id: tenant } });
  expect('response' in state).toBe(false);
  const priced = bodies.map.get(reconBodyKeys.work(tenant, requestId, 'priced')) as string;
  return JSON.parse(priced) as { lines: { buckets: { ppo: string }; supplied?: { id: string }[] }[] };
}

describe('a Recon priced for its tenant', () => {
  it("applies the Recon tenant's contracts, and no other tenant's", async () => {
    const mine = await pricedFor('acme-client');
    const other = await pricedFor('other-client');
    expect(mine.lines[0]?.supplied?.map((s) => s.id)).toEqual(['acme-ppo-2025']);
    expect(mine.lines[0]?.buckets.ppo).not.toBe('0.00');
    expect(other.lines[0]?.buckets.ppo).toBe('0.00');
  });
});
