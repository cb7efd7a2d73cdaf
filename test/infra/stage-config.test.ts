import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib/constructs/alarms.js';
import {
  analyticsOffTenants,
  DEFAULT_ANALYTICS_RETENTION_DAYS,
  parseStageConfig,
  StageConfigError,
  stageConfigFromContext,
} from '../../lib/stages/stage-config.js';
import { CDK_JSON_CONTEXT } from './app-fixture.js';

const VALID = {
  regions: ['us-east-1', 'us-west-2'],
  memorySize: 1024,
  provisionedConcurrency: 2,
  reservedConcurrency: 20,
  throttle: { rateLimit: 50, burstLimit: 100 },
  wafRateLimit: 2000,
  logRetentionDays: 30,
  auditLogRetentionDays: 2192,
  cognitoDomainPrefix: 'wcbr-test',
  manageApiGatewayAccount: true,
};

describe('parseStageConfig', () => {
  it('accepts a complete stage and keeps its values', () => {
    const config = parseStageConfig('test', VALID);
    expect(config).toEqual({
      name: 'test',
      reconRetentionDays: 2557,
      reconTenantRetentionDays: {},
      // Object Lock of the audit log files when the stage does not say: a year.
      auditObjectLockDays: 365,
      // SmartBill defaults: the 30-day links and 90-day retention.
      smartBill: {
        signingKeySecretName: 'wcbr/test/smartbill-signing-key',
        urlTtlDays: 30,
        retentionDays: 90,
        // No tenants' SmartBill settings: pages say to contact the payer named on the bill.
        tenants: {},
      },
      // No alarms section: the defaults the README's operations section describes.
      alarms: DEFAULT_ALARM_THRESHOLDS,
      // No analytics section: records kept a year, no tenant opted out (issue 19).
      analytics: { retentionDays: DEFAULT_ANALYTICS_RETENTION_DAYS, tenants: {} },
      ...VALID,
    });
    expect(config.account).toBeUndefined();
  });

  it('takes a Recon retention and per-tenant retention periods', () => {
    const config = parseStageConfig('test', {
      ...VALID,
      reconRetentionDays: 365,
      reconTenantRetentionDays: { 'acme-tpa': 2557 },
    });
    expect(config).toMatchObject({ reconRetentionDays: 365, reconTenantRetentionDays: { 'acme-tpa': 2557 } });
    expect(() => parseStageConfig('test', { ...VALID, reconTenantRetentionDays: { 'a b': 30 } })).toThrow(
      /not a tenant id/,
    );
    expect(() => parseStageConfig('test', { ...VALID, reconTenantRetentionDays: { acme: 0 } })).toThrow(
      /reconTenantRetentionDays/,
    );
  });

  it("takes each tenant's SmartBill payer contact, checked as the renderer checks it (issue 15)", () => {
    const acme = {
      payerName: 'Acme Mutual',
      phone: '+1 555-010-0100',
      email: 'appeals@example.com',
      mailingAddress: 'PO Box 1\nSpringfield, IL 62701',
      appealInstructions: 'Within 60 days, in writing.',
      appealUrl: 'https://example.com/appeals',
    };
    const smartBill = (tenants: unknown) => ({ ...VALID, smartBill: { tenants } });
    expect(parseStageConfig('test', smartBill({ 'acme-tpa': acme })).smartBill.tenants).toEqual({
      'acme-tpa': acme,
    });
    for (const [tenants, message] of [
      [{ 'a b': acme }, /^stages\.test\.smartBill\.tenants.* is not a tenant id/],
      [
        { acme: { ...acme, appealUrl: 'http://example.com' } },
        /stages\.test\.smartBill\.tenants\.acme\.appealUrl must be an https URL/,
      ],
      [{ acme: { ...acme, appealUrl: 'javascript:alert(1)' } }, /tenants\.acme\.appealUrl/],
      [{ acme: { ...acme, phone: 'call us' } }, /tenants\.acme\.phone must be a phone number/],
      [{ acme: { ...acme, email: 'nobody' } }, /tenants\.acme\.email must be an email address/],
      [{ acme: { ...acme, fax: '1' } }, /tenants\.acme\.fax/],
      [{ acme: { ...acme, appealInstructions: 'x'.repeat(1001) } }, /at most 1000 characters/],
      [{ acme: { ...acme, appealInstructions: 'x\u0007' } }, /control characters/],
      [
        Object.fromEntries(['a', 'b', 'c'].map((t) => [t, { ...acme, appealInstructions: 'x'.repeat(600) }])),
        /more than the 2000 a Lambda environment leaves/,
      ],
      ['acme', /must be an object of tenant ids/],
    ] as const) {
      expect(() => parseStageConfig('test', smartBill(tenants))).toThrow(StageConfigError);
      expect(() => parseStageConfig('test', smartBill(tenants))).toThrow(message);
    }
  });

  it('takes the analytics retention and the tenants that turned analytics off (issue 19)', () => {
    const config = parseStageConfig('test', {
      ...VALID,
      analytics: {
        retentionDays: 730,
        tenants: { 'acme-tpa': { enabled: false }, beta: { enabled: true }, 'a.b_c': { enabled: false } },
      },
    });
    expect(config.analytics).toEqual({
      retentionDays: 730,
      tenants: { 'acme-tpa': { enabled: false }, beta: { enabled: true }, 'a.b_c': { enabled: false } },
    });
    expect(analyticsOffTenants(config.analytics)).toBe('a.b_c,acme-tpa');
    expect(analyticsOffTenants(parseStageConfig('test', VALID).analytics)).toBe('');
  });

  it.each([
    [{ retentionDays: 0 }, /analytics\.retentionDays must be an integer >= 1/],
    [{ retentionDays: 1.5 }, /analytics\.retentionDays must be an integer >= 1/],
    [{ retentionDays: '90' }, /analytics\.retentionDays must be an integer >= 1/],
    [{ tenants: { 'a/b': { enabled: false } } }, /"a\/b" is not a tenant id/],
    [{ tenants: { 'a=b': { enabled: false } } }, /"a=b" is not a tenant id/],
    [{ tenants: { acme: false } }, /analytics\.tenants\.acme\.enabled must be true or false/],
    [{ tenants: { acme: { enabled: 'no' } } }, /analytics\.tenants\.acme\.enabled must be true or false/],
    [{ tenants: [] }, /analytics\.tenants must be an object/],
    ['on', /analytics must be an object/],
  ])('refuses analytics %j', (analytics, message) => {
    expect(() => parseStageConfig('test', { ...VALID, analytics })).toThrow(message);
  });

  it('takes the Object Lock days of the audit log files, at most their retention', () => {
    expect(parseStageConfig('test', { ...VALID, auditObjectLockDays: 2192 }).auditObjectLockDays).toBe(2192);
    expect(parseStageConfig('test', { ...VALID, auditLogRetentionDays: 90 }).auditObjectLockDays).toBe(90);
    expect(() => parseStageConfig('test', { ...VALID, auditObjectLockDays: 2193 })).toThrow(
      /auditObjectLockDays \(2193\) must be at most auditLogRetentionDays \(2192\)/,
    );
    expect(() => parseStageConfig('test', { ...VALID, auditObjectLockDays: 0 })).toThrow(
      /auditObjectLockDays/,
    );
  });

  it('accepts an explicit account id', () => {
    expect(parseStageConfig('test', { ...VALID, account: '123456789012' }).account).toBe('123456789012');
  });

  it.each([
    ['fewer than two regions', { regions: ['us-east-1'] }, /at least two AWS regions/],
    ['a region twice', { regions: ['us-east-1', 'us-east-1'] }, /region twice/],
    ['a region that is not one', { regions: ['us-east-1', 'mars'] }, /at least two AWS regions/],
    [
      'provisioned above reserved concurrency',
      { provisionedConcurrency: 30 },
      /cannot exceed reservedConcurrency/,
    ],
    ['negative provisioned concurrency', { provisionedConcurrency: -1 }, /provisionedConcurrency/],
    ['a retention CloudWatch Logs refuses', { logRetentionDays: 31 }, /logRetentionDays/],
    ['too little memory', { memorySize: 64 }, /memorySize/],
    ['a domain prefix with a reserved word', { cognitoDomainPrefix: 'my-cognito' }, /cognitoDomainPrefix/],
    ['a domain prefix with capitals', { cognitoDomainPrefix: 'Wcbr' }, /cognitoDomainPrefix/],
    ['a malformed account', { account: '1234' }, /12-digit/],
    ['a throttle without burst', { throttle: { rateLimit: 5 } }, /throttle\.burstLimit/],
    ['no account-role decision', { manageApiGatewayAccount: 'yes' }, /manageApiGatewayAccount/],
  ])('rejects %s', (_, change, message) => {
    expect(() => parseStageConfig('test', { ...VALID, ...change })).toThrow(message);
  });

  it('rejects a stage name that cannot be part of a stack name', () => {
    expect(() => parseStageConfig('Prod_1', VALID)).toThrow(StageConfigError);
  });
});

describe('stageConfigFromContext', () => {
  it('reads every stage of cdk.json, each with at least two regions', () => {
    const stages = Object.keys(CDK_JSON_CONTEXT.stages as object);
    expect(stages).toContain('dev');
    for (const stage of stages) {
      const app = new App({ context: { ...CDK_JSON_CONTEXT, stage } });
      const config = stageConfigFromContext(app.node);
      expect(config.name).toBe(stage);
      expect(config.regions.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('defaults to the dev stage', () => {
    const app = new App({ context: { stages: CDK_JSON_CONTEXT.stages } });
    expect(stageConfigFromContext(app.node).name).toBe('dev');
  });

  it('names the known stages when the selected one is missing', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, stage: 'qa' } });
    expect(() => stageConfigFromContext(app.node)).toThrow(/stage "qa" is not configured.*known: dev, prod/);
  });
});
