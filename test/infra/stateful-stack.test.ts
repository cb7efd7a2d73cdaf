import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP_SCOPES,
  RESOURCE_SERVER_ID,
  SCOPE_DESCRIPTIONS,
  SCOPES,
} from '../../lambdas/handlers/shared/routes.js';
import { CDK_JSON_CONTEXT, regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

let synthesized: SynthesizedApp;
let template: Template;

beforeAll(() => {
  synthesized = synthApp();
  template = Template.fromStack(regionStacks(synthesized, 0).stateful);
});

afterAll(() => synthesized?.cleanup());

/** The only resource of a type whose properties match, as [logicalId, resource]. */
function only(type: string, props: object = {}): [string, { Properties: Record<string, unknown> }] {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

describe('stateful stack', () => {
  describe('stacks per region', () => {
    it('has one stateful and one API stack per configured region, in that region', () => {
      const { regions } = synthesized.config;
      expect(regions.length).toBeGreaterThanOrEqual(2);
      expect(synthesized.stacks.map((s) => s.region)).toEqual(regions);
      const names = synthesized.assembly.stacks.map((s) => s.stackName).sort();
      expect(names).toEqual(regions.flatMap((r) => [`Wcbr-dev-Api-${r}`, `Wcbr-dev-Stateful-${r}`]).sort());
      for (const artifact of synthesized.assembly.stacks) {
        expect(artifact.stackName.endsWith(artifact.environment.region)).toBe(true);
      }
    });

    it('is protected from termination, and the API stack depends on it', () => {
      for (const { stateful, api } of synthesized.stacks) {
        expect(stateful.terminationProtection).toBe(true);
        expect(api.dependencies).toContain(stateful);
      }
    });
  });

  describe('pinned logical ids', () => {
    // A changed logical id makes CloudFormation replace the resource: a new user pool (every user,
    // MFA enrolment and client secret lost), new keys, new buckets. These ids must not move.
    const PINNED: Record<string, string> = {
      LogKey3EBDB3E8: 'AWS::KMS::Key',
      AuditStoreKey73C4F459: 'AWS::KMS::Key',
      AuditStore40CDB4B7: 'AWS::S3::Bucket',
      AuditStoreAccessLogs9BB9D204: 'AWS::S3::Bucket',
      Auth55780030: 'AWS::Cognito::UserPool',
      AuthResourceServerF8BF29EC: 'AWS::Cognito::UserPoolResourceServer',
      AuthDomainC6ED4B73: 'AWS::Cognito::UserPoolDomain',
      AuthMachineClientAF63B7F2: 'AWS::Cognito::UserPoolClient',
      AuthPeopleClient4F5FA4DE: 'AWS::Cognito::UserPoolClient',
      // Issue 19: the analytics groups (route table) and the analytics bucket and its key.
      AuthGroupanalyticsstewards13363349: 'AWS::Cognito::UserPoolGroup',
      AuthGroupanalyticsviewers58C21DBF: 'AWS::Cognito::UserPoolGroup',
      AnalyticsF5FDC64B: 'AWS::S3::Bucket',
      AnalyticsKey2D13EA34: 'AWS::KMS::Key',
      AuthGroupbatchsubmitters1D5FED54: 'AWS::Cognito::UserPoolGroup',
      AuthGroupbillreviewers51B8D0A5: 'AWS::Cognito::UserPoolGroup',
      AuthGroupfeeschedulereaders3B730668: 'AWS::Cognito::UserPoolGroup',
      AuthGroupreconreviewersA485BE34: 'AWS::Cognito::UserPoolGroup',
      AuthGroupreconstewards6B9EDB59: 'AWS::Cognito::UserPoolGroup',
      BatchStore0CCB5CCB: 'AWS::S3::Bucket',
      BatchStoreKey9015DCAD: 'AWS::KMS::Key',
      // The data bucket and its key (issue 20, data-releases.ts).
      DataReleases7F9F3235: 'AWS::S3::Bucket',
      DataReleasesKeyE1AC6BA5: 'AWS::KMS::Key',
      BatchStoreTableECE8BDA7: 'AWS::DynamoDB::GlobalTable',
      DeadLetterKey972EF902: 'AWS::KMS::Key',
      ReconStoreTableKeyF3BB0670: 'AWS::KMS::Key',
      ReconStorePhiKey22C48F87: 'AWS::KMS::Key',
      ReconStore0518F8E3: 'AWS::DynamoDB::GlobalTable',
      // Issue 17: the Recon bodies bucket and its key.
      ReconStoreBodies7F50EE14: 'AWS::S3::Bucket',
      ReconStoreBodiesKey6695A3EF: 'AWS::KMS::Key',
      SmartBillKey1B14ADBA: 'AWS::KMS::Key',
      SmartBillE48CB256: 'AWS::S3::Bucket',
      SmartBillAccessLogsF0798230: 'AWS::S3::Bucket',
      OversizedAnswersKey75527A04: 'AWS::KMS::Key',
      OversizedAnswers1FDBF5A1: 'AWS::S3::Bucket',
      OversizedAnswersAccessLogs43F7B8A5: 'AWS::S3::Bucket',
    };

    it('keeps the logical ids of keys, buckets, the user pool and its clients in every region', () => {
      for (const { stateful } of synthesized.stacks) {
        const resources = Template.fromStack(stateful).toJSON().Resources as Record<string, { Type: string }>;
        const stateful_ = Object.fromEntries(
          Object.entries(resources)
            .filter(([, r]) => Object.values(PINNED).includes(r.Type))
            .map(([id, r]) => [id, r.Type]),
        );
        expect(stateful_).toEqual(PINNED);
      }
    });

    it('retains the data-holding resources when they leave the stack', () => {
      for (const type of [
        'AWS::KMS::Key',
        'AWS::S3::Bucket',
        'AWS::Cognito::UserPool',
        'AWS::DynamoDB::GlobalTable',
      ]) {
        const all = template.findResources(type);
        expect(Object.keys(all).length).toBeGreaterThan(0);
        for (const resource of Object.values(all)) {
          expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        }
      }
    });
  });

  describe('Recon table', () => {
    it('is encrypted with its own customer-managed key, with point-in-time recovery, deletion protection and TTL', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': ['ReconStoreTableKeyF3BB0670', 'Arn'] } },
          }),
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'byTenant',
            Projection: Match.objectLike({ ProjectionType: 'INCLUDE' }),
          }),
          // Issue 17: the delta-sync listing's index (checked in full below).
          Match.objectLike({ IndexName: 'byTenantUpdated' }),
        ],
      });
    });

    it('has the delta-sync index (tenant, updatedAt) projecting clear data only (issue 17)', () => {
      const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0] as {
        Properties: { GlobalSecondaryIndexes: Record<string, unknown>[] };
      };
      const index = table.Properties.GlobalSecondaryIndexes.find((i) => i.IndexName === 'byTenantUpdated');
      expect(index).toEqual({
        IndexName: 'byTenantUpdated',
        KeySchema: [
          { AttributeName: 'tenantKey', KeyType: 'HASH' },
          { AttributeName: 'updatedAt', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['tenant', 'controlNumber', 'sequence', 'count', 'totals'],
        },
      });
      expect(JSON.stringify(index)).not.toContain('sealed');
    });

    it('keeps Recon bodies in a KMS-encrypted, SSL-only, private bucket whose intermediates expire after a day (issue 17)', () => {
      const [bucket] = Object.values(template.findResources('AWS::S3::Bucket')).filter((r) =>
        JSON.stringify(r).includes('ReconStoreBodiesKey'),
      ) as { Properties: Record<string, unknown> }[];
      expect(bucket?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['ReconStoreBodiesKey6695A3EF', 'Arn'] },
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
        LoggingConfiguration: { LogFilePrefix: 'recon-bodies/' },
      });
      const lifecycle = bucket?.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] };
      const rules = lifecycle.Rules;
      const rule = (id: string) => rules.find((r) => r.Id === id);
      expect(rule('ExpireIntermediates')).toMatchObject({ Prefix: 'work/', ExpirationInDays: 1 });
      expect(rule('ExpireOversizedAnswers')).toMatchObject({ Prefix: 'answers/', ExpirationInDays: 1 });
      // The longest Recon retention of the stage: cdk.json's dev stage keeps Recons 90 days.
      const dev = (CDK_JSON_CONTEXT.stages as Record<string, { reconRetentionDays: number }>).dev;
      expect(dev?.reconRetentionDays).toBe(90);
      expect(rule('ExpireSealed')).toMatchObject({ Prefix: 'sealed/', ExpirationInDays: 90 });
      const policy = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
      expect(policy).toContain('"aws:SecureTransport":"false"');
    });

    it('keeps the PHI data-key key apart from the table key, both rotated yearly', () => {
      for (const id of ['ReconStoreTableKeyF3BB0670', 'ReconStorePhiKey22C48F87']) {
        expect(template.toJSON().Resources[id].Properties).toMatchObject({
          EnableKeyRotation: true,
          RotationPeriodInDays: 365,
        });
      }
    });
  });

  describe('user pool', () => {
    it('requires MFA by TOTP only, never SMS', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      });
    });

    it('has no self sign-up, a strong password policy, threat protection and deletion protection', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          },
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      });
    });

    it('runs the pre-token-generation trigger with the V2_0 event on Node.js 22, arm64', () => {
      // The stack's other function is the SmartBill unlock endpoint (decision 009).
      const [fnId] = only('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Description: 'Adds the scopes of the user groups to access tokens',
      });
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        LambdaConfig: {
          PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' },
        },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: Match.anyValue(),
      });
    });

    it('has a group per entry of GROUP_SCOPES', () => {
      const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
        (g) => (g.Properties as { GroupName: string }).GroupName,
      );
      expect(groups.sort()).toEqual(Object.keys(GROUP_SCOPES).sort());
    });

    it('serves the token endpoint from the configured domain prefix', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        Domain: synthesized.config.cognitoDomainPrefix,
      });
    });
  });

  describe('resource server and clients', () => {
    it('defines the resource server with the scopes of the route table', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: RESOURCE_SERVER_ID,
        Scopes: SCOPE_DESCRIPTIONS.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
      });
    });

    it('has a machine client with a secret, the client credentials grant and every scope', () => {
      const [, client] = only('AWS::Cognito::UserPoolClient', { GenerateSecret: true });
      const [serverId] = only('AWS::Cognito::UserPoolResourceServer');
      expect(client.Properties).toMatchObject({
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      });
      const scopes = client.Properties.AllowedOAuthScopes as unknown[];
      expect(scopes).toEqual(
        Object.values(SCOPES).map((full) => ({
          'Fn::Join': ['', [{ Ref: serverId }, full.slice(RESOURCE_SERVER_ID.length)]],
        })),
      );
    });

    it('has a public client for people: SRP and password (the KPI page), no secret, no OAuth flows', () => {
      const [, client] = only('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
      expect(client.Properties).toMatchObject({
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthFlowsUserPoolClient: false,
      });
      expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
    });
  });

  describe('dead-letter key', () => {
    it('is a customer-managed key, rotated yearly, and retained', () => {
      const [, key] = only('AWS::KMS::Key', { Description: Match.stringLikeRegexp('dead-letter') });
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
    });
  });

  describe('audit store', () => {
    it('encrypts the trail bucket with a rotating customer key and keeps it private, SSL-only and versioned', () => {
      const [keyId] = only('AWS::KMS::Key', { Description: Match.stringLikeRegexp('CloudTrail') });
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('CloudTrail'),
        EnableKeyRotation: true,
      });
      const [bucketId] = only('AWS::S3::Bucket', {
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
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue() },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: synthesized.config.auditLogRetentionDays })],
        },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Sid: 'AWSCloudTrailAclCheck',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
            }),
            Match.objectLike({
              Sid: 'AWSCloudTrailWrite',
              Action: 's3:PutObject',
              Condition: Match.objectLike({ StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }),
            }),
          ]),
        },
      });
    });

    it('locks each log file in governance mode for the days of the stage (S3 Object Lock)', () => {
      const [, bucket] = only('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({
                KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditStoreKey'), 'Arn'] },
              }),
            }),
          ],
        },
      });
      expect(synthesized.config.auditObjectLockDays).toBe(30);
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
        },
      });
      // The access log bucket cannot have Object Lock (S3 delivers no server access logs to such a bucket).
      const locked = Object.keys(
        template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }),
      );
      expect(locked).toEqual(['AuditStore40CDB4B7']);
    });

    it('takes the lock from cdk.json: prod locks log files for as long as they are kept', () => {
      const prod = (CDK_JSON_CONTEXT.stages as Record<string, Record<string, unknown>>).prod;
      expect(prod?.auditObjectLockDays).toBe(prod?.auditLogRetentionDays);
    });

    it('lets CloudTrail use the audit key only for trails of this account', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('CloudTrail'),
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudTrailToEncryptLogs',
              Action: 'kms:GenerateDataKey*',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': Match.anyValue() } }),
            }),
          ]),
        },
      });
    });

    it('lets CloudWatch Logs use the log key only for log groups of this account and region', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('CloudWatch Logs'),
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: {
                Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
            }),
          ]),
        },
      });
    });
  });
});
