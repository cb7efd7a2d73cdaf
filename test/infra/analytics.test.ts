/**
 * Analytics in the synthesized app (issue 19): the bucket and its lifecycle, the Glue table built
 * from ANALYTICS_COLUMNS with partition projection, the Firehose stream's Parquet conversion and
 * dynamic partitioning, the Athena workgroup, each route's grants by its `analytics` access, the
 * environment, the daily peers builder and the alarms.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_RECORDS_DROPPED_METRIC } from '../../lambdas/adapters/analytics-firehose.js';
import { ANALYTICS_COLUMNS, PARTITION_COLUMNS } from '../../lambdas/app/analytics/record.js';
import { ANALYTICS_ENV } from '../../lambdas/handlers/shared/analytics-env.js';
import { ANALYTICS_PEERS_ENTRY, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { ATHENA_BYTES_SCANNED_CUTOFF, FIREHOSE_BUFFERING, hiveType } from '../../lib/constructs/analytics.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let synthesized: SynthesizedApp;
let stateful: Template;
let api: Template;

beforeAll(() => {
  synthesized = synthApp({
    stage: {
      analytics: {
        retentionDays: 400,
        tenants: { zeta: { enabled: false }, beta: { enabled: true }, acme: { enabled: false } },
      },
    },
  });
  stateful = Template.fromStack(regionStacks(synthesized, 0).stateful);
  api = Template.fromStack(regionStacks(synthesized, 0).api);
}, 120_000);

afterAll(() => synthesized?.cleanup());

function only(t: Template, type: string, idPattern: RegExp = /./): [string, Resource] {
  const found = Object.entries(t.findResources(type) as Record<string, Resource>).filter(([id]) =>
    idPattern.test(id),
  );
  expect(found, `${type} ${idPattern}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** Every statement of the policies attached to a role, by role logical id. */
function roleStatements(t: Template, roleId: string): Statement[] {
  const role = (t.findResources('AWS::IAM::Role') as Record<string, Resource>)[roleId] as Resource;
  const managed = t.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>;
  const inline = Object.values(t.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
    ((p.Properties.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  return [
    ...((role.Properties.ManagedPolicyArns ?? []) as { Ref?: string }[]).flatMap((arn) =>
      arn.Ref !== undefined && managed[arn.Ref] ? [managed[arn.Ref] as Resource] : [],
    ),
    ...inline,
  ].flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function functionResource(id: string): Resource {
  return (api.findResources('AWS::Lambda::Function') as Record<string, Resource>)[id] as Resource;
}

function statementsOf(functionId: string): Statement[] {
  const roleId = (functionResource(functionId).Properties.Role as { 'Fn::GetAtt': [string] })[
    'Fn::GetAtt'
  ][0];
  return roleStatements(api, roleId);
}

function functionOf(routeId: string): string {
  const route = ROUTES.find((r) => r.id === routeId);
  const [id] = Object.entries(api.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(
    ([, r]) => r.Properties.Description === `${route?.method} ${route?.path}: ${route?.summary}`,
  ) ?? [''];
  expect(id, routeId).not.toBe('');
  return id;
}

function environmentOf(functionId: string): Record<string, unknown> {
  return ((functionResource(functionId).Properties.Environment as { Variables?: Record<string, unknown> })
    ?.Variables ?? {}) as Record<string, unknown>;
}

const actions = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const allActions = (sts: Statement[]) => new Set(sts.flatMap(actions));
const text = (value: unknown): string => JSON.stringify(value) ?? '';

describe('the analytics bucket (stateful stack)', () => {
  it('is private, SSL-only, versioned, logged, retained, under its own rotated key', () => {
    const [keyId, key] = only(stateful, 'AWS::KMS::Key', /^AnalyticsKey/);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const [bucketId, bucket] = only(stateful, 'AWS::S3::Bucket', /^Analytics[0-9A-F]{8}$/);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { LogFilePrefix: 'analytics-bucket/' },
    });
    const policies = Object.values(
      stateful.findResources('AWS::S3::BucketPolicy') as Record<string, Resource>,
    ).filter((p) => text(p.Properties.Bucket) === text({ Ref: bucketId }));
    expect(text(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it("expires lines/ after the stage's analytics.retentionDays, query results after a day", () => {
    const [, bucket] = only(stateful, 'AWS::S3::Bucket', /^Analytics[0-9A-F]{8}$/);
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules.find((r) => r.Prefix === 'lines/')).toMatchObject({
      ExpirationInDays: 400,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      Status: 'Enabled',
    });
    expect(rules.find((r) => r.Prefix === 'athena-results/')).toMatchObject({ ExpirationInDays: 1 });
  });
});

describe('the Glue table', () => {
  it('has the columns of ANALYTICS_COLUMNS in Hive types, and tenant and month as partition keys', () => {
    const [, table] = only(stateful, 'AWS::Glue::Table');
    const input = table.Properties.TableInput as {
      Name: string;
      PartitionKeys: { Name: string; Type: string }[];
      StorageDescriptor: {
        Columns: { Name: string; Type: string }[];
        SerdeInfo: { SerializationLibrary: string };
      };
    };
    expect(input.Name).toBe('lines');
    const partitions: readonly string[] = PARTITION_COLUMNS;
    const expected = ANALYTICS_COLUMNS.filter(([name]) => !partitions.includes(name)).map(([name, type]) => ({
      Name: name,
      Type: hiveType(type),
    }));
    expect(input.StorageDescriptor.Columns).toEqual(expected);
    expect(input.StorageDescriptor.Columns.length + 2).toBe(ANALYTICS_COLUMNS.length);
    expect(input.PartitionKeys).toEqual([
      { Name: 'tenant', Type: 'string' },
      { Name: 'month', Type: 'string' },
    ]);
    // A list of structs is written as Hive writes it.
    expect(input.StorageDescriptor.Columns.find((c) => c.Name === 'rules')?.Type).toBe(
      'array<struct<rule:string,decision:string>>',
    );
    expect(input.StorageDescriptor.Columns.find((c) => c.Name === 'adjustments')?.Type).toBe(
      'array<struct<bucket:string,amount_cents:bigint,group_code:string,carc:string,rarc:string,internal_code:string,state_code:string>>',
    );
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
  });

  it('projects its partitions: tenant injected, month a yyyy-MM date from 2000-01 to now', () => {
    const [, table] = only(stateful, 'AWS::Glue::Table');
    const parameters = (table.Properties.TableInput as { Parameters: Record<string, unknown> }).Parameters;
    expect(parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.tenant.type': 'injected',
      'projection.month.type': 'date',
      'projection.month.format': 'yyyy-MM',
      'projection.month.range': '2000-01,NOW',
      'projection.month.interval': '1',
      'projection.month.interval.unit': 'MONTHS',
    });
    expect(text(parameters['storage.location.template'])).toMatch(
      /s3:\/\/wcbr-dev-analytics-.*\/lines\/tenant=\${tenant}\/month=\${month}\//,
    );
  });
});

describe('the Firehose delivery stream', () => {
  it('takes Direct PUT, encrypted with the analytics key', () => {
    const [keyId] = only(stateful, 'AWS::KMS::Key', /^AnalyticsKey/);
    const [, stream] = only(stateful, 'AWS::KinesisFirehose::DeliveryStream');
    expect(stream.Properties).toMatchObject({
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: {
        KeyType: 'CUSTOMER_MANAGED_CMK',
        KeyARN: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
    });
  });

  it("converts JSON to Parquet with the Glue table's schema and partitions by tenant and month", () => {
    const [, stream] = only(stateful, 'AWS::KinesisFirehose::DeliveryStream');
    const destination = stream.Properties.ExtendedS3DestinationConfiguration as Record<string, unknown>;
    expect(destination).toMatchObject({
      Prefix: 'lines/tenant=!{partitionKeyFromQuery:tenant}/month=!{partitionKeyFromQuery:month}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
      BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 300 },
      CompressionFormat: 'UNCOMPRESSED',
      CloudWatchLoggingOptions: { Enabled: true },
      DataFormatConversionConfiguration: {
        Enabled: true,
        InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
        OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
        SchemaConfiguration: { DatabaseName: 'wcbr_dev_analytics', TableName: 'lines', VersionId: 'LATEST' },
      },
      DynamicPartitioningConfiguration: { Enabled: true },
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [
          {
            Type: 'MetadataExtraction',
            Parameters: [
              { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{tenant:.tenant,month:.month}' },
              { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
            ],
          },
        ],
      },
    });
    expect(FIREHOSE_BUFFERING.sizeInMBs).toBeGreaterThanOrEqual(64);
  });

  it('delivers with a role that may write only lines/ and errors/ of the bucket and read the table', () => {
    const [roleId, role] = only(stateful, 'AWS::IAM::Role', /^AnalyticsDeliveryRole/);
    expect(text(role.Properties.AssumeRolePolicyDocument)).toContain('firehose.amazonaws.com');
    expect(text(role.Properties.AssumeRolePolicyDocument)).toContain('sts:ExternalId');
    const statements = roleStatements(stateful, roleId);
    for (const st of statements) expect(st.Resource, text(st)).not.toBe('*');
    const puts = statements.filter((st) => actions(st).includes('s3:PutObject'));
    expect(text(puts)).toContain('/lines/*');
    expect(text(puts)).toContain('/errors/*');
    expect(text(puts)).not.toContain('/peers/');
    expect(allActions(statements).has('s3:DeleteObject')).toBe(false);
    const glue = statements.filter((st) => actions(st).some((a) => a.startsWith('glue:')));
    expect(allActions(glue)).toEqual(
      new Set(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']),
    );
    expect(text(glue)).toContain('table/wcbr_dev_analytics/lines');
  });
});

describe('the Athena workgroup', () => {
  it('enforces engine 3, KMS-encrypted results under athena-results/ and a bytes-scanned limit', () => {
    const [keyId] = only(stateful, 'AWS::KMS::Key', /^AnalyticsKey/);
    const [, workgroup] = only(stateful, 'AWS::Athena::WorkGroup');
    expect(workgroup.Properties).toMatchObject({
      Name: 'wcbr-dev-analytics',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: ATHENA_BYTES_SCANNED_CUTOFF,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        },
      },
    });
    expect(text(workgroup.Properties.WorkGroupConfiguration)).toMatch(/analytics-.*\/athena-results\//);
  });
});

describe("the route functions' grants, by their analytics access", () => {
  const athenaActions = [
    'athena:StartQueryExecution',
    'athena:GetQueryExecution',
    'athena:GetQueryResults',
    'athena:StopQueryExecution',
  ];

  it('write (PriceBill): PutRecordBatch on the stream and GetObject on peers/latest.json only', () => {
    const statements = statementsOf(functionOf('PriceBill'));
    const put = statements.filter((st) => actions(st).includes('firehose:PutRecordBatch'));
    expect(put).toHaveLength(1);
    expect(text(put[0]?.Resource)).toMatch(/AnalyticsDeliveryStream/);
    const analyticsS3 = statements.filter((st) => /-analytics-/.test(text(st.Resource)));
    expect(analyticsS3.flatMap(actions)).toEqual(['s3:GetObject']);
    expect(text(analyticsS3)).toContain('/peers/latest.json');
    const all = allActions(statements);
    for (const a of athenaActions) expect(all.has(a)).toBe(false);
    expect(all.has('s3:DeleteObjectVersion')).toBe(false);
  });

  it.each(['GetAnalyticsKpis', 'GetAnalyticsBenchmarks'])(
    'read (%s): queries in the workgroup, reads lines/, no write to lines/, no stream, no delete',
    (routeId) => {
      const statements = statementsOf(functionOf(routeId));
      const athena = statements.filter((st) => actions(st).some((a) => a.startsWith('athena:')));
      expect([...allActions(athena)].sort()).toEqual([...athenaActions].sort());
      expect(text(athena)).toContain('workgroup/wcbr-dev-analytics');
      const all = allActions(statements);
      expect(all.has('firehose:PutRecordBatch')).toBe(false);
      expect(all.has('s3:DeleteObject')).toBe(false);
      expect(all.has('s3:DeleteObjectVersion')).toBe(false);
      const puts = statements.filter(
        (st) => actions(st).includes('s3:PutObject') && /-analytics-/.test(text(st.Resource)),
      );
      expect(text(puts)).toContain('/athena-results/*');
      expect(text(puts)).not.toContain('/lines/');
      expect(text(puts)).not.toContain('/peers/');
      const glue = statements.filter((st) => actions(st).some((a) => a.startsWith('glue:')));
      expect([...allActions(glue)].every((a) => a.startsWith('glue:Get'))).toBe(true);
    },
  );

  it('delete (DeleteAnalytics): lists and deletes versions under lines/tenant=* only', () => {
    const statements = statementsOf(functionOf('DeleteAnalytics'));
    const deletes = statements.filter((st) => actions(st).includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    expect(actions(deletes[0] as Statement).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(text(deletes[0]?.Resource)).toMatch(/-analytics-.*\/lines\/tenant=\*"/);
    const lists = statements.filter((st) => actions(st).includes('s3:ListBucketVersions'));
    expect(text(lists[0]?.Condition)).toContain('lines/tenant=*');
    const all = allActions(statements);
    expect(all.has('firehose:PutRecordBatch')).toBe(false);
    expect(all.has('athena:StartQueryExecution')).toBe(false);
    expect(all.has('s3:PutObject')).toBe(false);
  });

  it('gives no analytics right or environment to a route without analytics access', () => {
    for (const route of ROUTES.filter((r) => r.analytics === undefined && r.workflow === undefined)) {
      const id = functionOf(route.id);
      const statements = statementsOf(id);
      expect(text(statements), route.id).not.toMatch(/-analytics-|AnalyticsDeliveryStream|athena:|glue:/);
      expect(
        // The KPI page's sign-in settings (ANALYTICS_PAGE_*) are not analytics access.
        Object.keys(environmentOf(id)).filter(
          (k) => k.startsWith('ANALYTICS_') && !k.startsWith('ANALYTICS_PAGE_'),
        ),
        route.id,
      ).toEqual([]);
    }
  });
});

describe('the environment of analytics functions', () => {
  it('names the stream for writers, the database and workgroup for readers, the bucket and off tenants for all', () => {
    const price = environmentOf(functionOf('PriceBill'));
    expect(price[ANALYTICS_ENV.stream]).toBeDefined();
    expect(price[ANALYTICS_ENV.offTenants]).toBe('acme,zeta');
    expect(text(price[ANALYTICS_ENV.bucket])).toContain('wcbr-dev-analytics-');
    expect(price[ANALYTICS_ENV.retentionDays]).toBe('400');
    expect(price[ANALYTICS_ENV.workgroup]).toBeUndefined();
    const kpis = environmentOf(functionOf('GetAnalyticsKpis'));
    expect(kpis).toMatchObject({
      [ANALYTICS_ENV.database]: 'wcbr_dev_analytics',
      [ANALYTICS_ENV.workgroup]: 'wcbr-dev-analytics',
      [ANALYTICS_ENV.offTenants]: 'acme,zeta',
    });
    expect(kpis[ANALYTICS_ENV.stream]).toBeUndefined();
    const del = environmentOf(functionOf('DeleteAnalytics'));
    expect(text(del[ANALYTICS_ENV.bucket])).toContain('wcbr-dev-analytics-');
    expect(del[ANALYTICS_ENV.stream]).toBeUndefined();
    expect(del[ANALYTICS_ENV.workgroup]).toBeUndefined();
  });
});

describe("the peers' snapshot builder", () => {
  function builderId(): string {
    const [id] = Object.entries(api.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(
      ([fid]) => fid.startsWith('AnalyticsPeersBuilder'),
    ) ?? [''];
    expect(id).not.toBe('');
    return id;
  }

  it('runs daily on an EventBridge schedule, with a dead-letter queue for its asynchronous invocations', () => {
    const id = builderId();
    const [, rule] = only(api, 'AWS::Events::Rule', /^AnalyticsPeers/);
    expect(rule.Properties.ScheduleExpression).toBe('cron(15 3 * * ? *)');
    expect(text(rule.Properties.Targets)).toContain(id);
    expect(functionResource(id).Properties.DeadLetterConfig).toBeDefined();
    expect(ANALYTICS_PEERS_ENTRY).toMatch(/analytics-peers/);
  });

  it('reads as the KPI routes do and writes peers/latest.json, nothing else', () => {
    const id = builderId();
    const statements = statementsOf(id);
    expect(allActions(statements).has('athena:StartQueryExecution')).toBe(true);
    const puts = statements.filter(
      (st) => actions(st).includes('s3:PutObject') && /-analytics-/.test(text(st.Resource)),
    );
    expect(text(puts)).toContain('/peers/latest.json');
    expect(text(puts)).not.toContain('/lines/');
    expect(allActions(statements).has('firehose:PutRecordBatch')).toBe(false);
    expect(environmentOf(id)).toMatchObject({ [ANALYTICS_ENV.workgroup]: 'wcbr-dev-analytics' });
  });
});

describe('the analytics alarms', () => {
  it('watch delivery to S3, Parquet conversion and the records the sink dropped, into the alarm topic', () => {
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
    const delivery = alarms.find((a) => text(a.Properties.Metrics).includes('DeliveryToS3.Success'));
    expect(text(delivery?.Properties.Metrics)).toContain('FailedConversion.Records');
    const dropped = alarms.find((a) => a.Properties.MetricName === ANALYTICS_RECORDS_DROPPED_METRIC);
    expect(dropped?.Properties).toMatchObject({
      Namespace: 'WcBillReview',
      Dimensions: [{ Name: 'service', Value: 'wc-bill-review-dev' }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    for (const alarm of [delivery, dropped])
      expect(text(alarm?.Properties.AlarmActions)).toMatch(/AlarmsTopic/);
  });
});
