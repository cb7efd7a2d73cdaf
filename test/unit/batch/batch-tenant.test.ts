import { describe, expect, it } from 'vitest';
import { priceChunk } from '../../../lambdas/app/batch/chunk.js';
import { type ChunkTask, runChunk } from '../../../lambdas/app/batch/service.js';
import { emptyTally } from '../../../lambdas/app/batch/summary.js';
import { ppoContract90, suppliedIndex } from '../../support/supplied-index.js';

/*
 * A batch prices its bills for the batch's tenant (issue 20): that tenant's contracts apply. The
 * contract's 90% is a SUPPLIED INPUT; amounts are compared with and without the tenant.
 */
const index = suppliedIndex({
  contracts: [ppoContract90('tenant-a')],
});
const bill = JSON.stringify({
  jurisdiction: 'FL',
  serviceFacility: { zip: '33101' },
  billingProvider: { npi: '1234567893' },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
});

function ppoOf(part: string): string | undefined {
  return JSON.parse(part.trim()).answer.lines[0].buckets.ppo;
}

describe('a batch priced for its tenant', () => {
  it("applies the batch tenant's contracts to each bill, and none without a tenant", () => {
    expect(ppoOf(priceChunk(index, bill, 1, 'none', 'tenant-a').part)).toBeDefined();
    expect(ppoOf(priceChunk(index, bill, 1, 'none', 'tenant-b').part)).toBeUndefined();
    expect(ppoOf(priceChunk(index, bill, 1, 'none').part)).toBeUndefined();
  });

  it("hands the chunk's tenant to the pricer", async () => {
    const seen: (string | undefined)[] = [];
    const task = {
      tenantId: 'tenant-a',
      batchId: 'B'.repeat(32),
      index: 0,
      start: 0,
      end: 10,
      firstLine: 1,
      explain: 'none',
      etag: 'e',
    } as unknown as ChunkTask;
    const deps = {
      objects: { readRange: async () => new Uint8Array(), write: async () => undefined },
      store: { addProgress: async () => undefined },
    } as unknown as Parameters<typeof runChunk>[0];
    await runChunk(
      deps,
      async (_text, _first, _explain, tenant) => {
        seen.push(tenant);
        return { part: '', tally: emptyTally() };
      },
      task,
    );
    expect(seen).toEqual(['tenant-a']);
  });
});
