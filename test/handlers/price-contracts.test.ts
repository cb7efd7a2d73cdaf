/**
 * POST /v1/bills/price prices for the token's tenant (issue 20): that tenant's contracts apply, no
 * other tenant's, and none without a tenant; the answer names the data release. Figures are compared
 * between tenants, never with figures of their own (the contract's 90% is a SUPPLIED INPUT).
 */

import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { PriceBillResponseSchema } from '../../lambdas/handlers/shared/response-schemas.js';
import { FEE_INDEX_PATH_ENV } from '../../lambdas/handlers/shared/routes.js';
import { proxyEvent } from '../support/proxy-event.js';
import { ppoContract90, suppliedIndexFile } from '../support/supplied-index.js';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const NPI = '1234567893';
const context = { awsRequestId: 'lambda-1', functionName: 'test' } as Context;
let handler: Handler;
let release: string;

const bill = {
  jurisdiction: 'FL',
  serviceFacility: { zip: '33101' },
  billingProvider: { npi: NPI },
  lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '200.00' }],
};

async function price(clientId: string | null) {
  const response = await handler(
    proxyEvent({
      body: JSON.stringify(bill),
      requestContext: {
        requestId: 'req-contract-1',
        ...(clientId === null ? {} : { authorizer: { claims: { client_id: clientId } } }),
      } as unknown as APIGatewayProxyEvent['requestContext'],
    }),
    context,
  );
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body) as {
    dataRelease: string;
    lines: { buckets: Record<string, string>; supplied?: { id: string }[] }[];
  };
}

beforeAll(async () => {
  const file = suppliedIndexFile({
    contracts: [ppoContract90('acme-client', NPI)],
  });
  release = FeeIndex.fromBytes(new Uint8Array(readFileSync(file))).release()?.id as string;
  process.env[FEE_INDEX_PATH_ENV] = file;
  process.env.WCBR_LOG = 'off';
  handler = (await import('../../lambdas/handlers/price-bill/handler.js')).handler as unknown as Handler;
});

describe('POST /v1/bills/price for the token tenant', () => {
  it("applies the token tenant's contract and names it; another tenant's bill and an anonymous one are unchanged", async () => {
    const mine = await price('acme-client');
    const other = await price('other-client');
    const none = await price(null);
    expect(mine.lines[0]?.supplied?.map((s) => s.id)).toEqual(['acme-ppo-2025']);
    expect(mine.lines[0]?.buckets.ppo).not.toBe('0.00');
    expect(other.lines[0]?.buckets.ppo).toBe('0.00');
    expect(other.lines[0]?.supplied).toBeUndefined();
    expect(none.lines).toEqual(other.lines);
    // The PPO bucket took the difference: the fee schedule allowance is the same for everyone.
    expect(mine.lines[0]?.buckets.feeSchedule).toBe(other.lines[0]?.buckets.feeSchedule);
    for (const answer of [mine, other, none]) {
      expect(answer.dataRelease).toBe(release);
      expect(v.safeParse(PriceBillResponseSchema, answer).success).toBe(true);
    }
  });
});
