/**
 * The oversized answers' bucket and grants in the synthesized template (issue 17, § 2; decision
 * 014): a private, versioned, SSL-only bucket under its own rotated key, objects expiring after
 * the retention, server access logs; the pricing function alone may put and get under the answers
 * prefix (no list, no delete) and use the key to write and read; its environment names both.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OVERSIZED_ANSWER_KEY_PREFIX,
  OVERSIZED_ANSWER_RETENTION_DAYS,
} from '../../lambdas/app/answers/oversized-store.js';
import { ANSWER_SIZE_ENV } from '../../lambdas/handlers/shared/answer-size-deps.js';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let synthesized: SynthesizedApp;
let stateful: Template;
let api: Template;

beforeAll(() => {
  synthesized = synthApp();
  stateful = Template.fromStack(regionStacks(synthesized, 0).stateful);
  api = Template.fromStack(regionStacks(synthesized, 0).api);
}, 120_000);

afterAll(() => synthesized?.cleanup());

function only(t: Template, type: string, idPattern: RegExp): [string, Resource] {
  const found = Object.entries(t.findResources(type) as Record<string, Resource>).filter(([id]) =>
    idPattern.test(id),
  );
  expect(found, `${type} ${idPattern}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** Every statement of the policies attached to a function's role, by function logical id. */
function statementsOf(functionId: string): Statement[] {
  const fns = api.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const roleId = ((fns[functionId] as Resource).Properties.Role as { 'Fn::GetAtt': [string] })[
    'Fn::GetAtt'
  ][0];
  const role = (api.findResources('AWS::IAM::Role') as Record<string, Resource>)[roleId] as Resource;
  const managed = api.findResources('AWS::IAM::ManagedPolicy') as Record<string, Resource>;
  const inline = Object.values(api.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter(
    (p) => ((p.Properties.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  return [
    ...((role.Properties.ManagedPolicyArns ?? []) as { Ref?: string }[]).flatMap((arn) =>
      arn.Ref !== undefined && managed[arn.Ref] ? [managed[arn.Ref] as Resource] : [],
    ),
    ...inline,
  ].flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function functionOf(routeId: string): string {
  const route = ROUTES.find((r) => r.id === routeId);
  const [id] = Object.entries(api.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(
    ([, r]) => r.Properties.Description === `${route?.method} ${route?.path}: ${route?.summary}`,
  ) ?? [''];
  expect(id, routeId).not.toBe('');
  return id;
}

const actions = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const onAnswers = (st: Statement) => /OversizedAnswers|-answers-/.test(JSON.stringify(st.Resource));

describe('the oversized answers bucket (stateful stack)', () => {
  it('is private, SSL-only, versioned, encrypted with its own rotated key, logged and retained', () => {
    const [keyId, key] = only(stateful, 'AWS::KMS::Key', /^OversizedAnswersKey/);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const [bucketId, bucket] = only(stateful, 'AWS::S3::Bucket', /^OversizedAnswers[0-9A-F]{8}$/);
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
      LoggingConfiguration: { LogFilePrefix: 'answers-bucket/' },
    });
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'ExpireAnswers',
        Status: 'Enabled',
        ExpirationInDays: OVERSIZED_ANSWER_RETENTION_DAYS,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      }),
    );
    // SSL only: the bucket policy denies any request without TLS.
    const policies = Object.values(
      stateful.findResources('AWS::S3::BucketPolicy') as Record<string, Resource>,
    );
    const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket).includes(bucketId));
    expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });
});

describe('grants', () => {
  it('let the pricing function put and get under the answers prefix only, and write and read with the key', () => {
    const statements = statementsOf(functionOf('PriceBill')).filter(onAnswers);
    const s3 = statements.filter((st) => actions(st).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actions).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    for (const st of s3) expect(JSON.stringify(st.Resource)).toContain(`/${OVERSIZED_ANSWER_KEY_PREFIX}*`);
    const kms = statements.filter((st) => actions(st).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actions).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // No list, no delete: the lifecycle rule deletes.
    expect(statements.flatMap(actions).filter((a) => /List|Delete/.test(a))).toEqual([]);
  });

  it('give no other function of the API any access to the bucket or its key', () => {
    const fns = Object.keys(api.findResources('AWS::Lambda::Function'));
    const price = functionOf('PriceBill');
    const others = fns.filter((id) => id !== price && !/LogRetention|AwsCustomResource|Provider/.test(id));
    expect(others.length).toBeGreaterThan(5);
    for (const id of others) expect(statementsOf(id).filter(onAnswers), id).toEqual([]);
  });

  it('name the bucket and key in the pricing function’s environment', () => {
    const fn = (api.findResources('AWS::Lambda::Function') as Record<string, Resource>)[
      functionOf('PriceBill')
    ] as Resource;
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // The bucket's computed name (the stateful stack names it so; no cross-stack export).
    expect(JSON.stringify(env[ANSWER_SIZE_ENV.bucketName])).toContain('wcbr-dev-answers-');
    const [, bucket] = only(stateful, 'AWS::S3::Bucket', /^OversizedAnswers[0-9A-F]{8}$/);
    expect(JSON.stringify(bucket.Properties.BucketName)).toContain('wcbr-dev-answers-');
    expect(JSON.stringify(env[ANSWER_SIZE_ENV.kmsKeyId])).toContain('OversizedAnswersKey');
    // No local-only setting reaches a deployment.
    expect(env[ANSWER_SIZE_ENV.s3Endpoint]).toBeUndefined();
    expect(env[ANSWER_SIZE_ENV.linkEndpoint]).toBeUndefined();
    expect(env[ANSWER_SIZE_ENV.maxInlineBytes]).toBeUndefined();
  });
});
