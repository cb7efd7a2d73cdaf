import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TENANT_SETTINGS_BYTES, SMARTBILL_TENANTS_ENV } from '../../lambdas/smartbill/contact.js';
import {
  CDK_JSON_CONTEXT,
  regionStacks,
  type SynthesizedApp,
  synthApp,
  TEST_SMARTBILL_PUBLIC_KEY_PEM,
} from './app-fixture.js';

/**
 * Issue 15, item 1: a tenant's SmartBill payer contact reaches the renderer (and the pricing
 * function, which renders a page too large to hand over) as SMARTBILL_TENANTS. Lambda refuses a
 * function whose environment, keys and values together, exceeds 4 KB, and synth cannot see that:
 * with settings as large as stage-config allows, every function must stay under it, counting each
 * CloudFormation token (an ARN, a generated name) as 128 characters.
 */

const TOKEN_ESTIMATE = 128;
const LAMBDA_ENV_LIMIT = 4096;

/** Settings of exactly the allowed size: two tenants whose instructions fill the budget. */
function largestSettings(): Record<string, Record<string, string>> {
  const base = {
    payerName: 'Acme Mutual',
    phone: '+1 555-010-0100',
    appealUrl: 'https://example.com/appeals',
  };
  const first = { ...base, appealInstructions: 'x'.repeat(1000) };
  const overhead = JSON.stringify({ acme: first, beta: { ...base, appealInstructions: '' } }).length;
  return {
    acme: first,
    beta: { ...base, appealInstructions: 'y'.repeat(MAX_TENANT_SETTINGS_BYTES - overhead) },
  };
}

let synthesized: SynthesizedApp;
let template: Template;
const tenants = largestSettings();

beforeAll(() => {
  const stages = CDK_JSON_CONTEXT.stages as Record<string, Record<string, unknown>>;
  synthesized = synthApp({
    stage: {
      smartBill: {
        ...(stages.dev?.smartBill as object),
        publicKeyPem: TEST_SMARTBILL_PUBLIC_KEY_PEM,
        tenants,
      },
    },
  });
  template = Template.fromStack(regionStacks(synthesized, 0).api);
});

afterAll(() => synthesized?.cleanup());

describe("a tenant's SmartBill settings in the deployed functions", () => {
  it('reach the renderer and the pricing function as SMARTBILL_TENANTS, and every environment stays under 4 KB', () => {
    expect(JSON.stringify(tenants)).toHaveLength(MAX_TENANT_SETTINGS_BYTES);
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
    >;
    const withTenants: string[] = [];
    const sizes: Record<string, number> = {};
    for (const [id, fn] of Object.entries(functions)) {
      const variables = fn.Properties.Environment?.Variables ?? {};
      if (variables[SMARTBILL_TENANTS_ENV] !== undefined) {
        expect(JSON.parse(variables[SMARTBILL_TENANTS_ENV] as string)).toEqual(tenants);
        withTenants.push(id);
      }
      sizes[id] = Object.entries(variables).reduce(
        (sum, [name, value]) =>
          sum + name.length + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : TOKEN_ESTIMATE),
        0,
      );
    }
    expect(withTenants.some((id) => id.includes('SmartBillRenderer'))).toBe(true);
    expect(withTenants.some((id) => id.includes('PriceBill'))).toBe(true);
    // Measured 2026-12-07: the pricing function 3,159 bytes, the renderer 2,582 (tokens at 128).
    for (const [id, size] of Object.entries(sizes)) expect(size, id).toBeLessThan(LAMBDA_ENV_LIMIT);
  });
});
