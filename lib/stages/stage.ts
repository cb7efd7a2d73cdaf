import { type App, Tags } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ApiStack } from '../stacks/api-stack.js';
import { StatefulStack } from '../stacks/stateful-stack.js';
import { analyticsOffTenants, type StageConfig, StageConfigError } from './stage-config.js';

/** The two stacks of one region. */
export interface RegionalStacks {
  readonly region: string;
  readonly stateful: StatefulStack;
  readonly api: ApiStack;
}

/** Options that do not come from the stage configuration. */
export interface StageOptions {
  /**
   * The built fee index file.
   *
   * @default - `layers/fee-index/fee-index/fee-index.bin` (what `npm run build:index` writes)
   */
  readonly feeIndexFile?: string;
}

/**
 * Adds one stateful and one API stack per region of the stage, named `Wcbr-<stage>-<Kind>-<region>`.
 * The first region is the home region (its trail records every region's management events).
 *
 * @param app - the CDK app
 * @param config - the stage configuration
 * @param options - fee index location
 * @returns the stacks, in region order
 */
export function addStage(app: App, config: StageConfig, options: StageOptions = {}): RegionalStacks[] {
  Tags.of(app).add('application', 'wc-bill-review');
  Tags.of(app).add('stage', config.name);
  const logRetention = config.logRetentionDays as RetentionDays;
  const { publicKeyPem } = config.smartBill;
  if (publicKeyPem === undefined) {
    throw new StageConfigError(
      `stage ${config.name} has no SmartBill public key: run \`npx wcbr smartbill keys --stage ${config.name}\` (it writes config/smartbill/${config.name}.public.pem, which synth reads) and store the private key it writes in the Secrets Manager secret ${config.smartBill.signingKeySecretName} of each region (the command prints the steps)`,
    );
  }

  return config.regions.map((region, index) => {
    const env = { region, ...(config.account === undefined ? {} : { account: config.account }) };
    const stateful = new StatefulStack(app, `Wcbr-${config.name}-Stateful-${region}`, {
      env,
      description: `Bill review API (${config.name}): keys, audit bucket, user pool, Recon table, SmartBill site, oversized answers, analytics store`,
      cognitoDomainPrefix: config.cognitoDomainPrefix,
      auditLogRetentionDays: config.auditLogRetentionDays,
      auditObjectLockDays: config.auditObjectLockDays,
      logRetention,
      reconSealedRetentionDays: Math.max(
        config.reconRetentionDays,
        ...Object.values(config.reconTenantRetentionDays),
      ),
      batchRetentionDays: config.reconRetentionDays,
      analyticsRetentionDays: config.analytics.retentionDays,
      smartBill: {
        stage: config.name,
        publicKeyPem,
        retentionDays: config.smartBill.retentionDays,
        ...(config.smartBill.webAclArn === undefined ? {} : { webAclArn: config.smartBill.webAclArn }),
        ...(config.smartBill.customDomain === undefined
          ? {}
          : { customDomain: config.smartBill.customDomain }),
      },
    });
    const api = new ApiStack(app, `Wcbr-${config.name}-Api-${region}`, {
      env,
      description: `Bill review API (${config.name}): functions, API, audit trail`,
      stageName: config.name,
      userPool: stateful.auth.userPool,
      peopleClientId: stateful.auth.peopleClient.userPoolClientId,
      logEncryptionKey: stateful.logKey.key,
      audit: { bucket: stateful.auditStore.bucket, key: stateful.auditStore.key },
      deadLetterKey: stateful.deadLetterKey,
      reconStore: stateful.reconStore,
      oversizedAnswers: stateful.oversizedAnswers,
      batchStore: stateful.batchStore,
      dataReleases: stateful.dataReleases,
      reconRetention: { days: config.reconRetentionDays, tenants: config.reconTenantRetentionDays },
      smartBill: {
        site: stateful.smartBillSite,
        signingKeySecretName: config.smartBill.signingKeySecretName,
        urlTtlDays: config.smartBill.urlTtlDays,
        tenants: config.smartBill.tenants,
      },
      analytics: { store: stateful.analytics, offTenants: analyticsOffTenants(config.analytics) },
      auditedFunctions: [stateful.auth.preTokenGeneration.function],
      statefulFunctions: new Map([
        ['PreTokenGeneration', stateful.auth.preTokenGeneration.function],
        ...(stateful.smartBillSite.unlockFunction === undefined
          ? []
          : [['SmartBillUnlock', stateful.smartBillSite.unlockFunction.function] as const]),
      ]),
      isHomeRegion: index === 0,
      memorySize: config.memorySize,
      provisionedConcurrency: config.provisionedConcurrency,
      reservedConcurrency: config.reservedConcurrency,
      throttle: config.throttle,
      wafRateLimit: config.wafRateLimit,
      logRetention,
      manageApiGatewayAccount: config.manageApiGatewayAccount,
      alarms: config.alarms,
      ...(options.feeIndexFile === undefined ? {} : { feeIndexFile: options.feeIndexFile }),
    });
    api.addStackDependency(stateful, 'the API uses the user pool, keys and audit bucket');
    return { region, stateful, api };
  });
}
