import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import {
  DEFAULT_SMARTBILL_RETENTION_DAYS,
  DEFAULT_SMARTBILL_URL_TTL_DAYS,
  MAX_SMARTBILL_URL_TTL_DAYS,
} from '../../lambdas/app/smartbill/ports.js';
import {
  parseTenantSettings,
  TenantSettingsError,
  type TenantSmartBillSettings,
} from '../../lambdas/smartbill/contact.js';
import type { AlarmThresholds } from '../constructs/alarms.js';
import { REPO_ROOT } from '../repo-root.js';
import { parseAlarmThresholds } from './alarm-config.js';

/** Log retention values CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);

/** AWS region names such as `us-east-1` or `eu-central-2`. */
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Cognito domain prefixes: lower-case letters, digits and hyphens, no reserved words. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Everything that differs between deployments of the same app (dev, prod, a customer's own
 * account), read from the `stages` context in cdk.json and chosen with `-c stage=NAME`.
 */
export interface StageConfig {
  /** Stage name: part of the stack names and the API Gateway stage name. */
  readonly name: string;
  /**
   * AWS account to deploy to.
   *
   * @default - environment-agnostic account (the account of the credentials used to deploy)
   */
  readonly account?: string;
  /**
   * Regions to deploy to, one stateful and one API stack each. The first is the home region: its
   * trail records the management events of every region.
   */
  readonly regions: readonly string[];
  /** Memory of the API functions, in MB (CPU scales with it). */
  readonly memorySize: number;
  /** Provisioned concurrency of the hot routes' `live` alias; 0 means none. */
  readonly provisionedConcurrency: number;
  /** Reserved concurrency of every API function: caps cost and protects the account's pool. */
  readonly reservedConcurrency: number;
  /** Stage-wide and per-API-key throttle: steady requests per second and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** WAF rate-based rule: requests per client IP in any 5-minute window before blocking. */
  readonly wafRateLimit: number;
  /** Retention of application, access and WAF logs, in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Retention of CloudTrail log files in S3, in days (HIPAA asks for six years of records). */
  readonly auditLogRetentionDays: number;
  /**
   * Days each CloudTrail log file is locked (S3 Object Lock, governance mode) from its delivery: no
   * one can overwrite or delete it before then without `s3:BypassGovernanceRetention`. At most
   * `auditLogRetentionDays`.
   *
   * @default 365
   */
  readonly auditObjectLockDays: number;
  /**
   * Prefix of the Cognito domain (`PREFIX.auth.REGION.amazoncognito.com`) that serves the token
   * endpoint. It must be unique in each region across all AWS accounts, so it is configured, not
   * generated.
   */
  readonly cognitoDomainPrefix: string;
  /**
   * Whether this stage sets the account's API Gateway CloudWatch role (an account-and-region
   * singleton, needed for execution logging). Turn it on for exactly one stage per account.
   */
  readonly manageApiGatewayAccount: boolean;
  /**
   * Days a Recon is kept before DynamoDB TTL removes it, unless the tenant has its own period.
   *
   * @default 2557 (seven years)
   */
  readonly reconRetentionDays: number;
  /**
   * Tenants' own retention periods in days, by tenant id (their contracts say how long).
   *
   * @default {}
   */
  readonly reconTenantRetentionDays: Readonly<Record<string, number>>;
  /** SmartBill pages: the signing key pair and how long links and pages last. */
  readonly smartBill: SmartBillConfig;
  /**
   * When the operational alarms fire, and who gets them by email (lib/constructs/alarms.ts).
   *
   * @default DEFAULT_ALARM_THRESHOLDS (lib/stages/alarm-config.ts)
   */
  readonly alarms: AlarmThresholds;
  /**
   * Analytics (issue 19): how long line records are kept and which tenants keep none.
   *
   * @default { retentionDays: DEFAULT_ANALYTICS_RETENTION_DAYS, tenants: {} }
   */
  readonly analytics: AnalyticsConfig;
}

/** `stages.<name>.analytics`. */
export interface AnalyticsConfig {
  /** Days a line record (a Parquet file under `lines/`) is kept before S3's lifecycle expires it. */
  readonly retentionDays: number;
  /**
   * Tenants' analytics settings by tenant id; `enabled: false` keeps no record of that tenant's
   * bills (the functions get the list as `ANALYTICS_OFF_TENANTS`). @default {}
   */
  readonly tenants: Readonly<Record<string, { readonly enabled: boolean }>>;
}

/** Days line records are kept when the stage does not say: a year, for year-over-year KPIs. */
export const DEFAULT_ANALYTICS_RETENTION_DAYS = 365;

/** Tenant ids as tokens carry them (and as a Hive partition value may hold them: no `/` or `=`). */
const TENANT_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** `stages.<name>.analytics`, checked. */
function analyticsConfig(name: string, raw: unknown): AnalyticsConfig {
  if (raw === undefined) return { retentionDays: DEFAULT_ANALYTICS_RETENTION_DAYS, tenants: {} };
  if (!isRecord(raw)) throw new StageConfigError(`stages.${name}.analytics must be an object`);
  const retentionDays =
    raw.retentionDays === undefined
      ? DEFAULT_ANALYTICS_RETENTION_DAYS
      : positiveInteger(raw, 'retentionDays', `${name}.analytics`);
  const tenantsRaw = raw.tenants ?? {};
  if (!isRecord(tenantsRaw)) {
    throw new StageConfigError(`stages.${name}.analytics.tenants must be an object of tenant → {enabled}`);
  }
  const tenants: Record<string, { enabled: boolean }> = {};
  for (const [tenant, settings] of Object.entries(tenantsRaw)) {
    if (!TENANT_ID.test(tenant)) {
      throw new StageConfigError(`stages.${name}.analytics.tenants: "${tenant}" is not a tenant id`);
    }
    if (!isRecord(settings) || typeof settings.enabled !== 'boolean') {
      throw new StageConfigError(`stages.${name}.analytics.tenants.${tenant}.enabled must be true or false`);
    }
    tenants[tenant] = { enabled: settings.enabled };
  }
  return { retentionDays, tenants };
}

/**
 * The tenants that turned analytics off, as `ANALYTICS_OFF_TENANTS` carries them (comma-separated, sorted).
 *
 * @param config - the stage's analytics settings
 * @returns the list, "" for none
 */
export function analyticsOffTenants(config: AnalyticsConfig): string {
  return Object.entries(config.tenants)
    .filter(([, settings]) => !settings.enabled)
    .map(([tenant]) => tenant)
    .sort()
    .join(',');
}

/** `stages.<name>.smartBill`. */
export interface SmartBillConfig {
  /**
   * The public part of the CloudFront signing key pair (RSA 2048, `-----BEGIN PUBLIC KEY-----`).
   * Required to synthesize the stage; `wcbr smartbill keys` makes a pair and says where each part goes.
   */
  readonly publicKeyPem?: string;
  /** Secrets Manager secret (name) that holds the private part; created by the operator, read at run time. */
  readonly signingKeySecretName: string;
  /** Days a signed link is valid. @default 30 */
  readonly urlTtlDays: number;
  /** Days a page is kept before S3 expires it. @default 90 */
  readonly retentionDays: number;
  /**
   * A CLOUDFRONT-scope web ACL (made in us-east-1) for the distribution. Unset: the stack makes one
   * when it is in us-east-1; elsewhere the distribution has none (cdk-nag's CFR2 says so).
   */
  readonly webAclArn?: string;
  /**
   * The pages' own domain and its ACM certificate, which CloudFront requires in us-east-1; with it
   * the distribution's minimum is TLS 1.2 (TLSv1.2_2021). Unset: the *.cloudfront.net domain.
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * Each tenant's payer name, contact and appeal instructions, shown on its SmartBill pages where
   * the bill gives none (`{payerName, phone, email, mailingAddress, appealInstructions, appealUrl}`,
   * all optional; https URLs only). Passed to the renderer and pricing functions as the
   * `SMARTBILL_TENANTS` environment variable, so at most 2,000 bytes of JSON. @default {}
   */
  readonly tenants: Readonly<Record<string, TenantSmartBillSettings>>;
}

/** `stages.<name>.smartBill.tenants`, checked by the schema the renderer checks it with at start. */
function smartBillTenants(name: string, raw: unknown): Readonly<Record<string, TenantSmartBillSettings>> {
  if (raw === undefined) return {};
  try {
    return Object.fromEntries(parseTenantSettings(raw));
  } catch (error) {
    if (!(error instanceof TenantSettingsError)) throw error;
    const where = error.field === '' ? '' : `.${error.field}`;
    throw new StageConfigError(`stages.${name}.smartBill.tenants${where} ${error.problem}`);
  }
}

/** Where `wcbr smartbill keys --stage NAME` writes the stage's public key, which synth reads when cdk.json has none. */
export const SMARTBILL_PUBLIC_KEY_DIR = 'config/smartbill';

/**
 * The file of a stage's SmartBill public key, under the repository (or another root).
 *
 * @param root - the repository root
 * @param stage - the stage name
 * @returns its path
 */
export function smartBillPublicKeyFile(root: string, stage: string): string {
  return join(root, SMARTBILL_PUBLIC_KEY_DIR, `${stage}.public.pem`);
}

/** A stage configuration that does not make sense, with the field at fault. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/** Object Lock of the audit log files when the stage does not say: one year. */
const DEFAULT_AUDIT_OBJECT_LOCK_DAYS = 365;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(raw: Record<string, unknown>, field: string, stage: string, min = 1): number {
  const value = raw[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new StageConfigError(`stages.${stage}.${field} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks one stage's raw context and returns it typed.
 *
 * @param name - the stage name (key under `stages`)
 * @param raw - the value under `stages.<name>` in cdk.json context
 * @returns the stage configuration
 * @throws StageConfigError naming the first field that is missing or out of range
 */
export function parseStageConfig(name: string, raw: unknown): StageConfig {
  if (!isRecord(raw)) throw new StageConfigError(`stages.${name} must be an object`);
  if (!/^[a-z][a-z0-9]{0,15}$/.test(name)) {
    throw new StageConfigError(`stage name "${name}" must be 1-16 lower-case letters and digits`);
  }
  const regions = raw.regions;
  if (
    !Array.isArray(regions) ||
    regions.length < 2 ||
    !regions.every((r) => typeof r === 'string' && REGION.test(r))
  ) {
    throw new StageConfigError(`stages.${name}.regions must list at least two AWS regions`);
  }
  if (new Set(regions).size !== regions.length) {
    throw new StageConfigError(`stages.${name}.regions lists a region twice`);
  }
  const account = raw.account;
  if (account !== undefined && (typeof account !== 'string' || !/^\d{12}$/.test(account))) {
    throw new StageConfigError(`stages.${name}.account must be a 12-digit account id when set`);
  }
  const throttle = raw.throttle;
  if (!isRecord(throttle)) throw new StageConfigError(`stages.${name}.throttle must be an object`);
  const memorySize = positiveInteger(raw, 'memorySize', name, 128);
  if (memorySize > 10_240) throw new StageConfigError(`stages.${name}.memorySize must be <= 10240`);
  const provisionedConcurrency = positiveInteger(raw, 'provisionedConcurrency', name, 0);
  const reservedConcurrency = positiveInteger(raw, 'reservedConcurrency', name, 1);
  if (provisionedConcurrency > reservedConcurrency) {
    throw new StageConfigError(
      `stages.${name}.provisionedConcurrency (${provisionedConcurrency}) cannot exceed reservedConcurrency (${reservedConcurrency})`,
    );
  }
  const logRetentionDays = positiveInteger(raw, 'logRetentionDays', name);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    throw new StageConfigError(`stages.${name}.logRetentionDays must be a CloudWatch Logs retention value`);
  }
  const wafRateLimit = positiveInteger(raw, 'wafRateLimit', name, 10);
  const cognitoDomainPrefix = raw.cognitoDomainPrefix;
  if (
    typeof cognitoDomainPrefix !== 'string' ||
    !DOMAIN_PREFIX.test(cognitoDomainPrefix) ||
    /aws|amazon|cognito/.test(cognitoDomainPrefix)
  ) {
    throw new StageConfigError(
      `stages.${name}.cognitoDomainPrefix must be lower-case letters, digits and hyphens without "aws", "amazon" or "cognito"`,
    );
  }
  const manageApiGatewayAccount = raw.manageApiGatewayAccount;
  if (typeof manageApiGatewayAccount !== 'boolean') {
    throw new StageConfigError(`stages.${name}.manageApiGatewayAccount must be true or false`);
  }
  const reconRetentionDays =
    raw.reconRetentionDays === undefined ? 2557 : positiveInteger(raw, 'reconRetentionDays', name);
  const tenantsRaw = raw.reconTenantRetentionDays ?? {};
  if (!isRecord(tenantsRaw)) {
    throw new StageConfigError(`stages.${name}.reconTenantRetentionDays must be an object of tenant → days`);
  }
  const reconTenantRetentionDays: Record<string, number> = {};
  for (const tenant of Object.keys(tenantsRaw)) {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(tenant)) {
      throw new StageConfigError(`stages.${name}.reconTenantRetentionDays: "${tenant}" is not a tenant id`);
    }
    reconTenantRetentionDays[tenant] = positiveInteger(
      tenantsRaw,
      tenant,
      `${name}.reconTenantRetentionDays`,
    );
  }
  const smartBillRaw = raw.smartBill ?? {};
  if (!isRecord(smartBillRaw)) throw new StageConfigError(`stages.${name}.smartBill must be an object`);
  const publicKeyPem = smartBillRaw.publicKeyPem;
  if (
    publicKeyPem !== undefined &&
    (typeof publicKeyPem !== 'string' || !publicKeyPem.includes('-----BEGIN PUBLIC KEY-----'))
  ) {
    throw new StageConfigError(
      `stages.${name}.smartBill.publicKeyPem must be a "-----BEGIN PUBLIC KEY-----" PEM`,
    );
  }
  const signingKeySecretName = smartBillRaw.signingKeySecretName ?? `wcbr/${name}/smartbill-signing-key`;
  if (typeof signingKeySecretName !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(signingKeySecretName)) {
    throw new StageConfigError(
      `stages.${name}.smartBill.signingKeySecretName must be a Secrets Manager secret name`,
    );
  }
  const webAclArn = smartBillRaw.webAclArn;
  if (
    webAclArn !== undefined &&
    (typeof webAclArn !== 'string' ||
      !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\//.test(webAclArn))
  ) {
    throw new StageConfigError(
      `stages.${name}.smartBill.webAclArn must be the ARN of a CLOUDFRONT-scope web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)`,
    );
  }
  const customDomain = smartBillRaw.customDomain;
  if (
    customDomain !== undefined &&
    !(
      isRecord(customDomain) &&
      typeof customDomain.domainName === 'string' &&
      /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(customDomain.domainName) &&
      typeof customDomain.certificateArn === 'string' &&
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\//.test(customDomain.certificateArn)
    )
  ) {
    throw new StageConfigError(
      `stages.${name}.smartBill.customDomain must be {domainName, certificateArn} with an ACM certificate in us-east-1 (CloudFront reads certificates there only)`,
    );
  }
  const smartBill: SmartBillConfig = {
    ...(publicKeyPem === undefined ? {} : { publicKeyPem }),
    ...(webAclArn === undefined ? {} : { webAclArn }),
    ...(customDomain === undefined
      ? {}
      : {
          customDomain: {
            domainName: customDomain.domainName as string,
            certificateArn: customDomain.certificateArn as string,
          },
        }),
    signingKeySecretName,
    tenants: smartBillTenants(name, smartBillRaw.tenants),
    urlTtlDays:
      smartBillRaw.urlTtlDays === undefined
        ? DEFAULT_SMARTBILL_URL_TTL_DAYS
        : positiveInteger(smartBillRaw, 'urlTtlDays', `${name}.smartBill`),
    retentionDays:
      smartBillRaw.retentionDays === undefined
        ? DEFAULT_SMARTBILL_RETENTION_DAYS
        : positiveInteger(smartBillRaw, 'retentionDays', `${name}.smartBill`),
  };
  if (smartBill.urlTtlDays > MAX_SMARTBILL_URL_TTL_DAYS) {
    throw new StageConfigError(
      `stages.${name}.smartBill.urlTtlDays must be at most ${MAX_SMARTBILL_URL_TTL_DAYS}`,
    );
  }
  if (smartBill.retentionDays < smartBill.urlTtlDays) {
    throw new StageConfigError(
      `stages.${name}.smartBill.retentionDays (${smartBill.retentionDays}) must be at least urlTtlDays (${smartBill.urlTtlDays}): a link must not outlive its page`,
    );
  }
  const auditLogRetentionDays = positiveInteger(raw, 'auditLogRetentionDays', name);
  const auditObjectLockDays =
    raw.auditObjectLockDays === undefined
      ? Math.min(DEFAULT_AUDIT_OBJECT_LOCK_DAYS, auditLogRetentionDays)
      : positiveInteger(raw, 'auditObjectLockDays', name);
  if (auditObjectLockDays > auditLogRetentionDays) {
    throw new StageConfigError(
      `stages.${name}.auditObjectLockDays (${auditObjectLockDays}) must be at most auditLogRetentionDays (${auditLogRetentionDays}): a log file cannot stay locked after it expires`,
    );
  }
  return {
    name,
    ...(account === undefined ? {} : { account }),
    smartBill,
    alarms: parseAlarmThresholds(name, raw.alarms),
    analytics: analyticsConfig(name, raw.analytics),
    reconRetentionDays,
    reconTenantRetentionDays,
    regions,
    memorySize,
    provisionedConcurrency,
    reservedConcurrency,
    throttle: {
      rateLimit: positiveInteger(throttle, 'rateLimit', `${name}.throttle`),
      burstLimit: positiveInteger(throttle, 'burstLimit', `${name}.throttle`),
    },
    wafRateLimit,
    logRetentionDays,
    auditLogRetentionDays,
    auditObjectLockDays,
    cognitoDomainPrefix,
    manageApiGatewayAccount,
  };
}

/**
 * Reads the selected stage from context: `stage` names it (default `dev`), `stages` holds them all.
 *
 * @param node - the app's node (context is read there)
 * @returns the selected stage's configuration
 * @throws StageConfigError when the stage is not configured or its values are wrong
 */
export function stageConfigFromContext(node: Node, root: string = REPO_ROOT): StageConfig {
  const name = node.tryGetContext('stage') ?? 'dev';
  if (typeof name !== 'string') throw new StageConfigError('context "stage" must be a string');
  return withPublicKeyFile(stageConfigNamed(node.tryGetContext('stages'), name), root);
}

/**
 * A stage whose cdk.json has no SmartBill public key takes the one `wcbr smartbill keys` wrote
 * (config/smartbill/<stage>.public.pem), so a fresh clone synthesizes with no hand edit.
 *
 * @param config - the parsed stage
 * @param root - the repository root
 * @returns the stage, with the key from the file when cdk.json had none
 * @throws StageConfigError when the file holds no public key PEM
 */
export function withPublicKeyFile(config: StageConfig, root: string): StageConfig {
  const file = smartBillPublicKeyFile(root, config.name);
  if (config.smartBill.publicKeyPem !== undefined || !existsSync(file)) return config;
  const publicKeyPem = readFileSync(file, 'utf8');
  if (!publicKeyPem.includes('-----BEGIN PUBLIC KEY-----') || publicKeyPem.includes('PRIVATE KEY')) {
    throw new StageConfigError(`${file} must hold the stage's public key PEM only`);
  }
  return { ...config, smartBill: { ...config.smartBill, publicKeyPem } };
}

/**
 * Picks one stage out of the `stages` context (cdk.json) and checks it.
 *
 * @param stages - the value of the `stages` context
 * @param name - the stage wanted
 * @returns that stage's configuration
 * @throws StageConfigError when the stage is not configured or its values are wrong
 */
export function stageConfigNamed(stages: unknown, name: string): StageConfig {
  if (!isRecord(stages) || !(name in stages)) {
    const known = isRecord(stages) ? Object.keys(stages).join(', ') : 'none';
    throw new StageConfigError(
      `stage "${name}" is not configured in cdk.json context "stages" (known: ${known})`,
    );
  }
  return parseStageConfig(name, stages[name]);
}
