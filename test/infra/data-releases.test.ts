import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import {
  NO_DATA_RELEASE,
  releaseLayerParameterName,
  releaseStateMachineName,
} from '../../lib/constructs/data-releases.js';
import { REPO_ROOT } from '../../lib/repo-root.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

/**
 * Data releases in the synthesized stacks (issue 20, decision 020): the stage's data bucket
 * (versioned, KMS, TLS only, logged, retained) and the parameter naming the release in production
 * in the stateful stack; in the API stack the release state machine (Build → Check →
 * PublishLayerVersion → a Map that updates each function's layers, publishes a version and runs a
 * CodeDeploy canary → Record), the deployment groups (LambdaCanary10Percent5Minutes, alarms,
 * automatic rollback) on every fee-index route's live alias, and least-privilege grants.
 */

let synthesized: SynthesizedApp;
let api: Template;
let stateful: Template;

beforeAll(() => {
  synthesized = synthApp();
  api = Template.fromStack(regionStacks(synthesized, 0).api);
  stateful = Template.fromStack(regionStacks(synthesized, 0).stateful);
}, 300_000);

afterAll(() => synthesized?.cleanup());

type Resource = { Properties: Record<string, unknown> };

interface State {
  Type: string;
  Next?: string;
  Resource?: string;
  Default?: string;
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  MaxConcurrency?: number;
}

function releaseMachine(): {
  resource: Resource;
  definition: { StartAt: string; States: Record<string, State> };
} {
  const machines = api.findResources('AWS::StepFunctions::StateMachine', {
    Properties: { StateMachineName: releaseStateMachineName('dev') },
  });
  const [machine] = Object.values(machines) as Resource[];
  expect(machine).toBeDefined();
  // The ASL file as it is, its ${…} placeholders filled by DefinitionSubstitutions at deploy time.
  const text = (machine as Resource).Properties.DefinitionString as string;
  return { resource: machine as Resource, definition: JSON.parse(text) };
}

describe('the data bucket (stateful stack)', () => {
  it('is versioned, SSE-KMS under its own key, TLS only, access-logged, public access blocked and retained', () => {
    const buckets = stateful.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^wcbr-dev-data-')])] },
      },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    const [id, bucket] = Object.entries(buckets)[0] as [string, Resource & { DeletionPolicy?: string }];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'data-bucket/' },
    });
    // TLS only: the bucket policy denies requests without SecureTransport.
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('holds the parameter naming the release in production, "none" until the first', () => {
    stateful.hasResourceProperties('AWS::SSM::Parameter', {
      Name: releaseLayerParameterName('dev'),
      Value: NO_DATA_RELEASE,
    });
  });
});

describe('the release state machine (API stack)', () => {
  it('runs Build → Check → PublishLayerVersion → Map(update layers, publish version, CodeDeploy) → Record', () => {
    const { definition } = releaseMachine();
    const s = definition.States;
    expect(s.Build?.Next).toBe('Check');
    expect(s.Check?.Next).toBe('PublishLayerVersion');
    expect(s.PublishLayerVersion?.Resource).toBe('arn:aws:states:::aws-sdk:lambda:publishLayerVersion');
    expect(s.MoveFunctions?.Type).toBe('Map');
    expect(s.MoveFunctions?.MaxConcurrency).toBe(1);
    expect(s.MoveFunctions?.Next).toBe('Record');
    const inner = s.MoveFunctions?.ItemProcessor?.States ?? {};
    expect(inner.UpdateLayers?.Resource).toBe('arn:aws:states:::aws-sdk:lambda:updateFunctionConfiguration');
    expect(inner.PublishVersion?.Resource).toBe('arn:aws:states:::aws-sdk:lambda:publishVersion');
    expect(inner.CreateDeployment?.Resource).toBe('arn:aws:states:::aws-sdk:codedeploy:createDeployment');
    expect(inner.GetDeployment?.Resource).toBe('arn:aws:states:::aws-sdk:codedeploy:getDeployment');
    expect(inner.DeploymentFailed?.Type).toBe('Fail');
    expect(s.Record?.Next).toBe('RecordLayerParameter');
    // Rollback mode starts at the Map, skipping Build, Check and the publication.
    expect(s.RollbackTarget?.Next).toBe('Targets');
  });

  it('is a logged, traced STANDARD state machine', () => {
    const { resource } = releaseMachine();
    expect(resource.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL' },
    });
  });

  it('bundles the jurisdiction files beside the Build step (fee-data reads them next to its module)', () => {
    const build = api.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Data release: builds') },
    });
    // The code's S3 key is the asset's hash: the bundle is `asset.<hash>` in the assembly.
    const code = (Object.values(build)[0] as Resource).Properties.Code as { S3Key: string };
    const asset = join(synthesized.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
    const bundled = readdirSync(asset).filter((f) => f.endsWith('.json'));
    const held = readdirSync(join(REPO_ROOT, 'fee-data/jurisdictions')).filter((f) => f.endsWith('.json'));
    expect(bundled.sort()).toEqual(held.sort());
  });

  it('sizes Build and Check for the national index', () => {
    const build = api.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^Data release: builds') },
    });
    expect(Object.values(build)).toHaveLength(1);
    expect((Object.values(build)[0] as Resource).Properties).toMatchObject({
      MemorySize: 4096,
      Timeout: 900,
      EphemeralStorage: { Size: 2048 },
    });
  });
});

describe('the canaries', () => {
  const feeIndexRoutes = ROUTES.filter((r) => r.usesFeeIndex && !r.workflow);

  it('gives every fee-index route (the health route too) a deployment group on its live alias', () => {
    expect(feeIndexRoutes.map((r) => r.id)).toContain('Health');
    const groups = api.findResources('AWS::CodeDeploy::DeploymentGroup');
    expect(Object.keys(groups)).toHaveLength(feeIndexRoutes.length);
    for (const group of Object.values(groups) as Resource[]) {
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining([
            'DEPLOYMENT_FAILURE',
            'DEPLOYMENT_STOP_ON_ALARM',
            'DEPLOYMENT_STOP_ON_REQUEST',
          ]),
        },
        DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
      });
      // The function's own errors and p99 duration, the API's 5xx rate and p99 latency.
      const alarms = (group.Properties.AlarmConfiguration as { Enabled: boolean; Alarms: unknown[] }).Alarms;
      expect(alarms).toHaveLength(4);
    }
  });

  it('puts each live alias under CodeDeploy (code deploys are canaries too)', () => {
    const aliases = api.findResources('AWS::Lambda::Alias', { Properties: { Name: 'live' } });
    const managed = Object.values(aliases).filter(
      (a) =>
        (a as { UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: unknown } }).UpdatePolicy
          ?.CodeDeployLambdaAliasUpdate,
    );
    expect(managed).toHaveLength(feeIndexRoutes.length);
  });
});

describe('the functions and the release in production', () => {
  it('give every fee-index function the recorded release layer when there is one, else the built one', () => {
    const parameters = api.toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    expect(Object.values(parameters)).toContainEqual(
      expect.objectContaining({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: releaseLayerParameterName('dev'),
      }),
    );
    const health = api.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('^GET /v1/health') },
    });
    const layers = (Object.values(health)[0] as Resource).Properties.Layers as unknown[];
    expect(layers).toHaveLength(1);
    expect(layers[0]).toHaveProperty('Fn::If');
  });
});

describe('the workflow role (least privilege)', () => {
  function statements(): Array<{ Action: string | string[]; Resource: unknown }> {
    const policies = api.findResources('AWS::IAM::ManagedPolicy');
    const all = Object.values(policies).flatMap(
      (p) =>
        (
          (p as Resource).Properties.PolicyDocument as {
            Statement: Array<{ Action: string | string[]; Resource: unknown }>;
          }
        ).Statement,
    );
    return all;
  }

  it('names its resources for every Lambda, CodeDeploy and SSM action', () => {
    const scoped = statements().filter((s) =>
      [s.Action]
        .flat()
        .some((a) =>
          /^(lambda:(PublishLayerVersion|UpdateFunctionConfiguration|PublishVersion|GetAlias)|codedeploy:CreateDeployment|ssm:PutParameter)$/.test(
            a,
          ),
        ),
    );
    expect(scoped.length).toBeGreaterThanOrEqual(5);
    for (const s of scoped) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
    const putParameter = scoped.find((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(JSON.stringify(putParameter?.Resource)).toContain(releaseLayerParameterName('dev').slice(1));
  });
});
