import { CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  type IFunction,
  type ILayerVersion,
  Function as LambdaFunction,
  LayerVersion,
} from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ANALYTICS_PAGE_ENV } from '../../lambdas/handlers/shared/analytics-page-env.js';
import { BATCH_ENV } from '../../lambdas/handlers/shared/batch-deps.js';
import { RECON_ENV } from '../../lambdas/handlers/shared/recon-deps.js';
import { ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import { SMARTBILL_ENV } from '../../lambdas/handlers/shared/smartbill-deps.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/observability/powertools.js';
import type { TenantSmartBillSettings } from '../../lambdas/smartbill/contact.js';
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS, OperationalAlarms } from '../constructs/alarms.js';
import { AnalyticsAlarms, AnalyticsPeersSchedule, type AnalyticsStore } from '../constructs/analytics.js';
import { Api } from '../constructs/api.js';
import { AuditTrail } from '../constructs/audit-trail.js';
import { type BatchDataStore, batchBucketName } from '../constructs/batch-store.js';
import { BatchWorkflow } from '../constructs/batch-workflow.js';
import {
  type DataReleaseStore,
  DataReleases,
  NO_DATA_RELEASE,
  releaseLayerParameterName,
} from '../constructs/data-releases.js';
import type { ReconDataStore } from '../constructs/data-store.js';
import { FeeIndexLayer } from '../constructs/fee-index-layer.js';
import { grantOversizedAnswers, oversizedAnswersBucketName } from '../constructs/oversized-answers.js';
import { PricingFunction } from '../constructs/pricing-function.js';
import { ReconWorkflow } from '../constructs/recon-workflow.js';
import { SmartBillRenderer } from '../constructs/smartbill-renderer.js';
import { type SmartBillSite, smartBillBucketName } from '../constructs/smartbill-site.js';

/** Properties of {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  /** API Gateway stage name. */
  readonly stageName: string;
  /** User pool of the authorizer (stateful stack). */
  readonly userPool: IUserPool;
  /** The people app client (no secret): the KPI page signs readers in with it (issue 19). */
  readonly peopleClientId?: string;
  /** Key of the log groups (stateful stack). */
  readonly logEncryptionKey: IKey;
  /** Audit bucket and its key (stateful stack). */
  readonly audit: { readonly bucket: IBucket; readonly key: IKey };
  /** Customer-managed key of the dead-letter queues (stateful stack). */
  readonly deadLetterKey: IKey;
  /** The Recon table and its keys (stateful stack). */
  readonly reconStore: ReconDataStore;
  /** The oversized answers' key (stateful stack; the bucket is granted by its computed name; decision 014). */
  readonly oversizedAnswers: { readonly key: IKey };
  /** The batch bucket, table and key (stateful stack). */
  readonly batchStore: BatchDataStore;
  /**
   * The data bucket and the parameter naming the release in production (stateful stack; issue 20).
   * Absent: no release workflow, and the functions use the layer CDK builds.
   */
  readonly dataReleases?: DataReleaseStore;
  /** Days a tenant's Recons are kept (DynamoDB TTL), and per-tenant overrides. */
  readonly reconRetention: { readonly days: number; readonly tenants: Readonly<Record<string, number>> };
  /** SmartBill: the site (stateful stack), the signing key secret's name and the links' lifetime. */
  readonly smartBill: {
    readonly site: SmartBillSite;
    readonly signingKeySecretName: string;
    readonly urlTtlDays: number;
    /** Each tenant's payer contact for its pages (`smartBill.tenants`, checked by stage-config). @default {} */
    readonly tenants?: Readonly<Record<string, TenantSmartBillSettings>>;
  };
  /**
   * Analytics (issue 19): the store (stateful stack) and the tenants that turned it off. Absent:
   * the functions get no analytics environment (they keep no records and answer its routes 503).
   */
  readonly analytics?: { readonly store: AnalyticsStore; readonly offTenants: string };
  /** Functions of the stateful stack whose invocations the trail records (the Cognito trigger). */
  readonly auditedFunctions?: readonly IFunction[];
  /**
   * Functions of the stateful stack the operational alarms also watch for throttles (the Cognito
   * trigger, the SmartBill unlock endpoint), by construct id: the alarm topic lives here.
   */
  readonly statefulFunctions?: ReadonlyMap<string, IFunction>;
  /** Home region: its trail records management events of all regions and global services. */
  readonly isHomeRegion: boolean;
  /** Memory of the route functions, in MB. */
  readonly memorySize: number;
  /** Provisioned concurrency of the hot routes' `live` alias; 0 means none. */
  readonly provisionedConcurrency: number;
  /** Reserved concurrency of each route function. */
  readonly reservedConcurrency: number;
  /** Stage and per-key throttle. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** WAF requests per IP per 5 minutes. */
  readonly wafRateLimit: number;
  /** Retention of function, access, execution and WAF logs. */
  readonly logRetention: RetentionDays;
  /** Set the account's API Gateway CloudWatch role. */
  readonly manageApiGatewayAccount: boolean;
  /**
   * When the operational alarms fire.
   *
   * @default DEFAULT_ALARM_THRESHOLDS
   */
  readonly alarms?: AlarmThresholds;
  /**
   * The built fee index file.
   *
   * @default - `layers/fee-index/fee-index/fee-index.bin` (what `npm run build:index` writes)
   */
  readonly feeIndexFile?: string;
  /**
   * The route table.
   *
   * @default ROUTES
   */
  readonly routes?: readonly RouteDefinition[];
}

/**
 * The stateless part of one region: a function per route (with the fee index layer where the route
 * reads it), the API in front of them, and the region's CloudTrail trail, which writes to the audit
 * bucket of the stateful stack and records the invocations of every function of the project.
 */
export class ApiStack extends Stack {
  /** The API. */
  public readonly api: Api;
  /** Route functions by route id. */
  public readonly functions: ReadonlyMap<string, PricingFunction>;
  /** The fee index layer. */
  public readonly feeIndex: FeeIndexLayer;
  /** The region's trail. */
  public readonly auditTrail: AuditTrail;
  /** The Recon workflow (POST /v1/recons). */
  public readonly reconWorkflow: ReconWorkflow | undefined;
  /** Bulk repricing: the state machine with its Distributed Map, its steps and its trigger. */
  public readonly batchWorkflow: BatchWorkflow;
  /** The SmartBill renderer and its dead-letter queue. */
  public readonly smartBillRenderer: SmartBillRenderer;
  /** The operational alarms and their topic. */
  public readonly alarms: OperationalAlarms;
  /** The peers' snapshot builder and its daily schedule (absent without analytics). */
  public readonly analyticsPeers: AnalyticsPeersSchedule | undefined;
  /** The analytics pipeline's alarms (absent without analytics). */
  public readonly analyticsAlarms: AnalyticsAlarms | undefined;
  /** The data release workflow and its canaries (issue 20; absent without a data store). */
  public readonly dataReleases: DataReleases | undefined;
  /** The layer the functions get: the release in production's, else the one CDK built. */
  public readonly feeIndexLayer: ILayerVersion;

  /**
   * @param scope - the app
   * @param id - stack id (also its name)
   * @param props - stateful resources and stage settings of this region
   */
  public constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;

    this.feeIndex = new FeeIndexLayer(this, 'FeeIndex', {
      ...(props.feeIndexFile === undefined ? {} : { indexFile: props.feeIndexFile }),
    });
    this.feeIndexLayer =
      props.dataReleases === undefined
        ? this.feeIndex.layer
        : this.releasedLayer(props.stageName, this.feeIndex.layer);
    const reconEnvironment = {
      [RECON_ENV.retentionDays]: String(props.reconRetention.days),
      [RECON_ENV.tenantRetentionDays]: JSON.stringify(props.reconRetention.tenants),
    };
    this.smartBillRenderer = new SmartBillRenderer(this, 'SmartBillRenderer', {
      site: props.smartBill.site,
      stage: props.stageName,
      signingKeySecretName: props.smartBill.signingKeySecretName,
      urlTtlDays: props.smartBill.urlTtlDays,
      ...(props.smartBill.tenants === undefined ? {} : { tenants: props.smartBill.tenants }),
      logEncryptionKey: props.logEncryptionKey,
      logRetention: props.logRetention,
      reservedConcurrency: props.reservedConcurrency,
      deadLetterKey: props.deadLetterKey,
    });
    const batchEnvironment = { [BATCH_ENV.retentionDays]: String(props.reconRetention.days) };
    this.batchWorkflow = new BatchWorkflow(this, 'BatchWorkflow', {
      stage: props.stageName,
      store: props.batchStore,
      logEncryptionKey: props.logEncryptionKey,
      feeIndexLayer: this.feeIndexLayer,
      environment: batchEnvironment,
      logRetention: props.logRetention,
    });
    const functions = new Map<string, PricingFunction>();
    let reconWorkflow: ReconWorkflow | undefined;
    for (const route of routes) {
      if (route.workflow) {
        reconWorkflow = new ReconWorkflow(this, route.id, {
          route,
          dataStore: props.reconStore,
          smartBillRenderer: this.smartBillRenderer,
          logEncryptionKey: props.logEncryptionKey,
          feeIndexLayer: this.feeIndexLayer,
          environment: reconEnvironment,
          memorySize: props.memorySize,
          reservedConcurrency: props.reservedConcurrency,
          logRetention: props.logRetention,
        });
        continue;
      }
      const fn = new PricingFunction(this, route.id, {
        route,
        logEncryptionKey: props.logEncryptionKey,
        feeIndexLayer: this.feeIndexLayer,
        memorySize: props.memorySize,
        provisionedConcurrency: route.hot ? props.provisionedConcurrency : 0,
        reservedConcurrency: props.reservedConcurrency,
        logRetention: props.logRetention,
      });
      if (route.recon) {
        const environment = { ...reconEnvironment, ...props.reconStore.grantRecon(fn.function, route.recon) };
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      if (route.reconBodies) {
        const environment = props.reconStore.grantReconBodies(fn.function, route.reconBodies);
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      if (route.healthProbes) {
        const environment = {
          ...props.reconStore.grantHealthProbe(fn.function),
          [SMARTBILL_ENV.bucketName]: smartBillBucketName(props.stageName),
        };
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
        // HeadBucket is authorised by s3:ListBucket on the bucket: the names of pages are not read.
        fn.function.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [`arn:${Stack.of(this).partition}:s3:::${smartBillBucketName(props.stageName)}`],
          }),
        );
      }
      if (route.oversizedAnswers) {
        const environment = grantOversizedAnswers(fn.function, props.stageName, props.oversizedAnswers.key);
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      if (route.batch) {
        const environment = { ...batchEnvironment, ...props.batchStore.grantBatch(fn.function, route.batch) };
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      if (route.analytics !== undefined && props.analytics !== undefined) {
        const environment = props.analytics.store.grantAnalytics(
          fn.function,
          route.analytics,
          props.analytics.offTenants,
        );
        for (const [name, value] of Object.entries(environment)) fn.function.addEnvironment(name, value);
      }
      if (route.id === 'AnalyticsPage' && props.peopleClientId !== undefined) {
        // The page signs readers in against the user pool's own API, and asks for the API key that
        // the usage plan requires on every authenticated method.
        fn.function.addEnvironment(
          ANALYTICS_PAGE_ENV.cognitoEndpoint,
          `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/`,
        );
        fn.function.addEnvironment(ANALYTICS_PAGE_ENV.clientId, props.peopleClientId);
        fn.function.addEnvironment(ANALYTICS_PAGE_ENV.askApiKey, 'true');
      }
      if (route.smartBill) this.smartBillRenderer.linkFrom(fn.function);
      if (route.smartBillRevoke) this.smartBillRenderer.revokeFrom(fn.function);
      functions.set(route.id, fn);
    }
    this.functions = functions;
    this.reconWorkflow = reconWorkflow;
    this.analyticsPeers =
      props.analytics === undefined
        ? undefined
        : new AnalyticsPeersSchedule(this, 'AnalyticsPeers', {
            store: props.analytics.store,
            offTenants: props.analytics.offTenants,
            logEncryptionKey: props.logEncryptionKey,
            logRetention: props.logRetention,
            deadLetterKey: props.deadLetterKey,
          });

    this.api = new Api(this, 'Api', {
      routes,
      targets: new Map<string, IFunction>([
        ...[...functions].map(([id, fn]): [string, IFunction] => [id, fn.invokeTarget]),
        // The workflow route's front function (Lambda proxy, like every other route).
        ...(reconWorkflow === undefined
          ? []
          : [[reconWorkflow.route, reconWorkflow.front.function] as [string, IFunction]]),
      ]),
      userPool: props.userPool,
      logEncryptionKey: props.logEncryptionKey,
      stageName: props.stageName,
      throttle: props.throttle,
      wafRateLimit: props.wafRateLimit,
      logRetention: props.logRetention,
      manageAccountLogging: props.manageApiGatewayAccount,
    });

    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      // Imported by ARN: the store writes CloudTrail's bucket policy itself, so the stateful stack
      // never refers back to this one.
      bucket: Bucket.fromBucketArn(this, 'AuditBucket', props.audit.bucket.bucketArn),
      encryptionKey: props.audit.key,
      logEncryptionKey: props.logEncryptionKey,
      recordManagementEvents: props.isHomeRegion,
    });
    this.auditTrail.addLambdaDataEvents([
      ...[...functions.values()].map((fn) => fn.function),
      ...[...(reconWorkflow?.functions.values() ?? [])].map((fn) => fn.function),
      ...[...this.batchWorkflow.functions.values()].map((fn) => fn.function),
      ...(reconWorkflow === undefined ? [] : [reconWorkflow.front.function]),
      this.smartBillRenderer.renderer.function,
      ...(this.analyticsPeers === undefined ? [] : [this.analyticsPeers.builder.function]),
      ...(props.auditedFunctions ?? []),
    ]);
    // Who read or wrote which Recon, and every object operation on the SmartBill pages (by its
    // computed name, as the renderer imports it, so the stateful stack exports nothing for it).
    this.auditTrail.addDynamoDbDataEvents([props.reconStore.table, props.batchStore.table]);
    this.auditTrail.addS3DataEvents([
      Bucket.fromBucketName(this, 'SmartBillPages', smartBillBucketName(props.stageName)),
      // Who stored or read which oversized answer (a priced bill; decision 014).
      Bucket.fromBucketName(this, 'OversizedAnswersBucket', oversizedAnswersBucketName(props.stageName)),
      Bucket.fromBucketName(this, 'BatchObjects', batchBucketName(props.stageName)),
    ]);

    this.dataReleases =
      props.dataReleases === undefined
        ? undefined
        : new DataReleases(this, 'DataReleases', {
            store: props.dataReleases,
            canaryFunctions: new Map([...functions].filter(([, fn]) => fn.route.usesFeeIndex)),
            directFunctions: new Map<string, IFunction>([
              ...[...(reconWorkflow?.functions ?? [])]
                .filter(([state]) => reconWorkflow !== undefined && usesIndex(routes, state))
                .map(([state, fn]): [string, IFunction] => [`Recon${state}`, fn.function]),
              ['BatchChunk', this.batchWorkflow.functions.get('Chunk')?.function as IFunction],
            ]),
            latencyP99Ms: (props.alarms ?? DEFAULT_ALARM_THRESHOLDS).apiLatencyP99Ms,
            logEncryptionKey: props.logEncryptionKey,
            logRetention: props.logRetention,
          });
    if (this.dataReleases !== undefined) {
      this.auditTrail.addLambdaDataEvents([...this.dataReleases.functions.values()].map((fn) => fn.function));
      new CfnOutput(this, 'DataReleaseStateMachineArn', {
        value: this.dataReleases.stateMachine.stateMachineArn,
      });
    }

    const allFunctions = new Map<string, IFunction>([
      ...[...functions].map(([id, fn]): [string, IFunction] => [id, fn.function]),
      ...[...(reconWorkflow?.functions ?? [])].map(([id, fn]): [string, IFunction] => [id, fn.function]),
      ...[...this.batchWorkflow.functions].map(([id, fn]): [string, IFunction] => [
        `Batch${id}`,
        fn.function,
      ]),
      ...(reconWorkflow === undefined
        ? []
        : [[`${reconWorkflow.route}Front`, reconWorkflow.front.function] as [string, IFunction]]),
      ['SmartBillRenderer', this.smartBillRenderer.renderer.function],
      ...(this.analyticsPeers === undefined
        ? []
        : [['AnalyticsPeers', this.analyticsPeers.builder.function] as [string, IFunction]]),
      ...[...(this.dataReleases?.functions ?? [])].map(([id, fn]): [string, IFunction] => [
        `Release${id}`,
        fn.function,
      ]),
    ]);
    const alarmedFunctions = new Map([...allFunctions, ...(props.statefulFunctions ?? [])]);
    // Powertools' service dimension names the stage, so two stages in one account keep their
    // metrics apart (lambdas/observability/powertools.ts).
    for (const fn of allFunctions.values()) {
      if (!(fn instanceof LambdaFunction)) continue;
      fn.addEnvironment('POWERTOOLS_SERVICE_NAME', `${SERVICE_NAME}-${props.stageName}`);
      fn.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
    }
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      restApi: this.api.restApi,
      stageName: props.stageName,
      functions: alarmedFunctions,
      rendererDeadLetterQueue: this.smartBillRenderer.deadLetterQueue,
      ...(reconWorkflow === undefined ? {} : { reconStateMachine: reconWorkflow.stateMachine }),
      batchStateMachine: this.batchWorkflow.stateMachine,
      ...(this.dataReleases === undefined ? {} : { releaseStateMachine: this.dataReleases.stateMachine }),
      thresholds: props.alarms ?? DEFAULT_ALARM_THRESHOLDS,
    });

    this.dataReleases?.watchAlarms(
      ['Api5xxRate', 'ApiLatencyP99'].flatMap((name) => {
        const alarm = this.alarms.alarms.get(name);
        return alarm === undefined ? [] : [alarm];
      }),
      this.alarms.topic,
    );

    this.analyticsAlarms =
      props.analytics === undefined
        ? undefined
        : new AnalyticsAlarms(this, 'AnalyticsAlarms', {
            store: props.analytics.store,
            stage: props.stageName,
            topic: this.alarms.topic,
            period: Duration.minutes((props.alarms ?? DEFAULT_ALARM_THRESHOLDS).periodMinutes),
          });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'ApiKeyId', { value: this.api.apiKey.keyId });
  }

  /**
   * The fee index layer the functions get (decision 020): the layer version the release workflow
   * recorded in the stage's parameter, read by CloudFormation at every deployment, or the layer
   * this synth built while the parameter says {@link NO_DATA_RELEASE}. So a `cdk deploy` of code
   * after a data release keeps the released data; shipping data with the code again is a release.
   */
  private releasedLayer(stage: string, built: ILayerVersion): ILayerVersion {
    const current = new CfnParameter(this, 'DataReleaseLayer', {
      type: 'AWS::SSM::Parameter::Value<String>',
      default: releaseLayerParameterName(stage),
      description: 'The parameter naming the layer version of the data release in production (decision 020)',
    });
    const released = new CfnCondition(this, 'HasDataRelease', {
      expression: Fn.conditionNot(Fn.conditionEquals(current.valueAsString, NO_DATA_RELEASE)),
    });
    return LayerVersion.fromLayerVersionArn(
      this,
      'FeeIndexInUse',
      Fn.conditionIf(released.logicalId, current.valueAsString, built.layerVersionArn).toString(),
    );
  }
}

/** Whether the task of a workflow route's state reads the fee index. */
function usesIndex(routes: readonly RouteDefinition[], state: string): boolean {
  return routes.some((route) =>
    route.workflow?.tasks.some((task) => task.state === state && task.usesFeeIndex),
  );
}
