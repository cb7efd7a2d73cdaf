import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_ENV } from '../../lambdas/handlers/shared/batch-deps.js';
import {
  BATCH_TOLERATED_FAILURE_PERCENTAGE,
  CHUNK_MEMORY_MB,
  DEFAULT_BATCH_CONCURRENCY,
} from '../../lib/constructs/batch-workflow.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

/**
 * Bulk repricing in the synthesized stacks (issue 17 § 3): the STANDARD state machine with its
 * Distributed Map (ItemReader on the manifest, MaxConcurrency, ToleratedFailurePercentage, Express
 * children), the EventBridge rule that starts it on an upload, the bucket and table with KMS,
 * lifecycle and TTL, and the grants of each function.
 */

let synthesized: SynthesizedApp;
let api: Template;
let stateful: Template;

beforeAll(() => {
  synthesized = synthApp();
  api = Template.fromStack(regionStacks(synthesized, 0).api);
  stateful = Template.fromStack(regionStacks(synthesized, 0).stateful);
});

afterAll(() => synthesized?.cleanup());

interface MapState {
  Type: string;
  ItemReader?: {
    Resource: unknown;
    ReaderConfig?: { InputType?: string };
    Parameters?: Record<string, unknown>;
  };
  MaxConcurrency?: number;
  ToleratedFailurePercentage?: number;
  ItemProcessor?: {
    ProcessorConfig?: { Mode?: string; ExecutionType?: string };
    StartAt: string;
    States: Record<string, { Type: string; Retry?: unknown[] }>;
  };
}

/** The state machine's definition, with the tokens of its ARNs left as placeholders. */
function definition(): { StartAt: string; States: Record<string, MapState> } {
  const machines = api.findResources('AWS::StepFunctions::StateMachine', {
    // By name: the data release machine is STANDARD too (issue 20).
    Properties: { StateMachineType: 'STANDARD', StateMachineName: 'wcbr-dev-batches' },
  });
  const [machine] = Object.values(machines);
  expect(Object.keys(machines)).toHaveLength(1);
  const body = (machine as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  // Fn::Join of strings and tokens: the tokens become "<token>", the JSON stays parseable.
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('the batch state machine', () => {
  it('splits, prices the chunks in a Distributed Map that reads the manifest, and assembles', () => {
    const { StartAt, States } = definition();
    expect(StartAt).toBe('SplitInput');
    const map = States.PriceChunks as MapState;
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    expect(map.ItemReader?.ReaderConfig?.InputType).toBe('JSON');
    expect(JSON.stringify(map.ItemReader?.Resource)).toContain('s3:getObject');
    expect(map.ItemReader?.Parameters?.['Key.$']).toBe('$.split.manifestKey');
    expect(map.MaxConcurrency).toBe(DEFAULT_BATCH_CONCURRENCY);
    expect(map.ToleratedFailurePercentage).toBe(BATCH_TOLERATED_FAILURE_PERCENTAGE);
    expect(map.ItemProcessor?.States.PriceChunk?.Retry).toBeDefined();
    expect(Object.keys(States)).toEqual(
      expect.arrayContaining([
        'SplitInput',
        'IsBatchInput',
        'PriceChunks',
        'AssembleOutputs',
        'MarkFailed',
        'BatchFailed',
      ]),
    );
  });

  it('never logs execution data, and traces', () => {
    api.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('is started by the upload of a batch input, through EventBridge', () => {
    api.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: Match.objectLike({ object: { key: [{ wildcard: 'batches/*/input.jsonl' }] } }),
      }),
      Targets: Match.arrayWith([Match.objectLike({ RoleArn: Match.anyValue() })]),
    });
  });

  it('gives the chunk function a full vCPU, the fee index, and the map concurrency as its reserve', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Bulk repricing, step Chunk',
      MemorySize: CHUNK_MEMORY_MB,
      ReservedConcurrentExecutions: DEFAULT_BATCH_CONCURRENCY,
      Layers: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({ [BATCH_ENV.tableName]: Match.anyValue(), WCBR_MODE: 'aws' }),
      },
    });
  });
});

describe('the batch store', () => {
  it('is a KMS-encrypted, versioned bucket with EventBridge on, the Recon retention and a TLS-only policy', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            BucketKeyEnabled: true,
          }),
        ],
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'ExpireBatches',
            Prefix: 'batches/',
            ExpirationInDays: synthesized.config.reconRetentionDays,
          }),
        ]),
      },
    });
  });

  it('keeps records in a table with TTL, point-in-time recovery and a customer-managed key', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'tenantId', KeyType: 'HASH' },
        { AttributeName: 'batchId', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
    });
  });
});

describe('the batch routes', () => {
  it('let the create function put inputs only, and the read function get outputs only', () => {
    const policies = Object.values(api.findResources('AWS::IAM::ManagedPolicy')).map((p) =>
      JSON.stringify((p as { Properties: unknown }).Properties),
    );
    const create = policies.find((p) => p.includes('/input.jsonl') && p.includes('dynamodb:PutItem'));
    expect(create).toBeDefined();
    expect(create).not.toContain('s3:GetObject');
    const read = policies.find(
      (p) => p.includes('/results.jsonl') && p.includes('dynamodb:GetItem') && !p.includes('s3:PutObject'),
    );
    expect(read).toBeDefined();
  });
});
