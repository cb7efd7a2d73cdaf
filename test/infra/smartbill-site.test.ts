import { generateKeyPairSync } from 'node:crypto';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { GeoRestriction } from 'aws-cdk-lib/aws-cloudfront';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ManagedPolicyRole } from '../../lib/constructs/managed-policy-role.js';
import {
  DEFAULT_SIGNED_URL_TTL,
  SmartBillSite,
  type SmartBillSiteProps,
} from '../../lib/constructs/smartbill-site.js';
import { CDK_JSON_CONTEXT } from './app-fixture.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_KEY_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

interface Built {
  app: App;
  stack: Stack;
  site: SmartBillSite;
  writer: ManagedPolicyRole;
  template: Template;
}

/** A bare stack with the site and a role that may write pages, with cdk.json's feature flags. */
function build(
  props: Partial<SmartBillSiteProps> | ((stack: Stack) => Partial<SmartBillSiteProps>) = {},
  nag = false,
): Built {
  const app = new App({ context: { ...CDK_JSON_CONTEXT } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  const stack = new Stack(app, 'SmartBillTest', { env: { account: '111122223333', region: 'us-east-1' } });
  const extra = typeof props === 'function' ? props(stack) : props;
  const site = new SmartBillSite(stack, 'SmartBill', { publicKeyPem: PUBLIC_KEY_PEM, ...extra });
  const writer = new ManagedPolicyRole(stack, 'Writer', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  site.grantPut(writer);
  // What the stack that wires the pricing function must acknowledge on its role (bucket in the
  // same stack; across stacks the resource reads as an import).
  Validations.of(writer).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(site.bucket.node.defaultChild as never)}.Arn>/smartbills/*]`,
    reason:
      'The page writer may create objects under smartbills/ only; their keys are random per page, so the object ARN must end in a wildcard.',
  });
  return { app, stack, site, writer, template: Template.fromStack(stack) };
}

/** The only resource of a type, as its properties. */
function only(template: Template, type: string, props: object = {}): Record<string, unknown> {
  const found = Object.values(template.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

describe('SmartBillSite', () => {
  describe('page bucket', () => {
    const { template, stack, site } = build();
    const bucketId = logicalId(stack, site.bucket);
    const keyId = logicalId(stack, site.key as unknown as IConstruct);

    it('is private, SSE-KMS with the customer-managed key, versioned and logged', () => {
      const bucket = template.toJSON().Resources[bucketId].Properties;
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        },
      ]);
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logicalId(stack, site.accessLogsBucket) },
        LogFilePrefix: 'smartbill-bucket/',
      });
    });

    it('expires pages after 90 days and their noncurrent versions a day later', () => {
      const rules = template.toJSON().Resources[bucketId].Properties.LifecycleConfiguration.Rules;
      expect(rules).toEqual([
        {
          Id: 'ExpirePages',
          Status: 'Enabled',
          ExpirationInDays: 90,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        { Id: 'RemoveDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
      ]);
    });

    it('takes the retention from its props', () => {
      const custom = build({ retentionDays: 30, noncurrentVersionRetentionDays: 3 });
      const props = only(custom.template, 'AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })],
        },
      });
      expect((props.LifecycleConfiguration as { Rules: unknown[] }).Rules[0]).toMatchObject({
        ExpirationInDays: 30,
        NoncurrentVersionExpiration: { NoncurrentDays: 3 },
      });
    });

    it('is retained with its key when the stack goes', () => {
      for (const id of [bucketId, keyId]) {
        expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
      }
    });

    it('has a bucket policy with no public statement: SSL only, TLS 1.2, and this distribution', () => {
      const policy = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
      const statements = (policy.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Action: 's3:GetObject',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/',
                    { Ref: logicalId(stack, site.distribution) },
                  ],
                ],
              },
            },
          },
        },
      ]);
      for (const s of statements) expect(s.Principal).not.toBe('*');
      const denies = statements.filter((s) => s.Effect === 'Deny');
      expect(denies.map((s) => s.Condition)).toEqual([
        { Bool: { 'aws:SecureTransport': 'false' } },
        { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      ]);
    });
  });

  describe('key', () => {
    const { template, stack, site } = build();

    it('rotates yearly and lets CloudFront decrypt only for distributions of this account', () => {
      const key = template.toJSON().Resources[logicalId(stack, site.key as unknown as IConstruct)].Properties;
      expect(key.EnableKeyRotation).toBe(true);
      expect(key.RotationPeriodInDays).toBe(365);
      const cloudFront = key.KeyPolicy.Statement.filter(
        (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'cloudfront.amazonaws.com',
      );
      expect(cloudFront).toEqual([
        {
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Resource: '*',
          Condition: {
            ArnLike: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/*',
                  ],
                ],
              },
            },
          },
        },
      ]);
    });

    it('is narrowed to this distribution once its id is known', () => {
      const scoped = build({ distributionId: 'E2QWRUHEXAMPLE' });
      const key = only(scoped.template, 'AWS::KMS::Key');
      const deny = (key.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement.find(
        (s) => s.Sid === 'DenyOtherCloudFrontDistributions',
      );
      expect(deny).toEqual({
        Sid: 'DenyOtherCloudFrontDistributions',
        Effect: 'Deny',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 'kms:*',
        Resource: '*',
        Condition: {
          StringNotEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/E2QWRUHEXAMPLE',
                ],
              ],
            },
          },
        },
      });
    });

    it('uses a key passed in instead of creating one', () => {
      const app = new App({ context: { ...CDK_JSON_CONTEXT } });
      const stack = new Stack(app, 'S');
      const key = new Key(stack, 'Shared', { enableKeyRotation: true });
      const site = new SmartBillSite(stack, 'SmartBill', {
        publicKeyPem: PUBLIC_KEY_PEM,
        encryptionKey: key,
      });
      expect(site.key).toBe(key);
      Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });
  });

  describe('online gate (decision 009)', () => {
    const built = build((stack) => ({
      unlock: { logEncryptionKey: new Key(stack, 'LogKey'), logRetention: RetentionDays.ONE_MONTH },
    }));
    const distribution = () =>
      only(built.template, 'AWS::CloudFront::Distribution').DistributionConfig as {
        CacheBehaviors: Array<Record<string, unknown>>;
        WebACLId?: unknown;
      };

    it('keeps gate records in their own table under the site key, TTL at expiry, with no restore path', () => {
      const table = only(built.template, 'AWS::DynamoDB::Table');
      expect(table.KeySchema).toEqual([{ AttributeName: 'pageId', KeyType: 'HASH' }]);
      expect(table.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
    });

    it('routes POST smartbills/*.unlock to the unlock function URL (IAM auth, origin access control) behind the key group', () => {
      const [behavior, ...others] = distribution().CacheBehaviors;
      expect(others).toEqual([]);
      expect(behavior).toMatchObject({
        PathPattern: 'smartbills/*.unlock',
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['POST']),
        TrustedKeyGroups: [{ Ref: expect.stringMatching(/KeyGroup/) }],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      });
      expect(only(built.template, 'AWS::Lambda::Url')).toMatchObject({ AuthType: 'AWS_IAM' });
      only(built.template, 'AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: { OriginAccessControlOriginType: 'lambda' },
      });
    });

    it('gives the unlock function UpdateItem on the gate only (no read, scan or delete)', () => {
      const policies = {
        ...built.template.findResources('AWS::IAM::Policy'),
        ...built.template.findResources('AWS::IAM::ManagedPolicy'),
      };
      const statements = Object.values(policies).flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown }> } } }).Properties
            .PolicyDocument.Statement,
      );
      const dynamo = statements
        .flatMap((st) => [st.Action].flat())
        .filter((a) => String(a).startsWith('dynamodb:'));
      expect(dynamo).toEqual(['dynamodb:UpdateItem']);
    });

    it('in us-east-1 puts the distribution behind its own web ACL with a per-client rate rule on unlock', () => {
      const acl = only(built.template, 'AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
      const rules = acl.Rules as Array<{ Name: string; Statement: Record<string, { Limit?: number }> }>;
      expect(rules.map((r) => r.Name)).toEqual(['UnlockRatePerClient', 'AwsCommonRules']);
      expect(rules[0]?.Statement.RateBasedStatement).toMatchObject({ Limit: 100, AggregateKeyType: 'IP' });
      expect(distribution().WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/WebAcl/), 'Arn'] });
    });

    it('outside us-east-1 refuses to make a web ACL (CLOUDFRONT scope lives there) unless given one', () => {
      const app = new App({ context: { ...CDK_JSON_CONTEXT } });
      const stack = new Stack(app, 'West', { env: { account: '111122223333', region: 'us-west-2' } });
      expect(
        () => new SmartBillSite(stack, 'SmartBill', { publicKeyPem: PUBLIC_KEY_PEM, createWebAcl: true }),
      ).toThrow(/us-east-1; pass webAclArn/);
      const site = new SmartBillSite(stack, 'Other', { publicKeyPem: PUBLIC_KEY_PEM });
      expect(site.webAcl).toBeUndefined();
    });
  });

  describe('distribution', () => {
    const { template, stack, site } = build();
    const config = () =>
      only(template, 'AWS::CloudFront::Distribution').DistributionConfig as Record<string, unknown> & {
        DefaultCacheBehavior: Record<string, unknown>;
        Origins: Array<Record<string, unknown>>;
      };

    it('reads the bucket through origin access control, with no identity', () => {
      const oac = only(template, 'AWS::CloudFront::OriginAccessControl');
      expect(oac.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
      const [origin] = config().Origins;
      expect(origin).toMatchObject({
        DomainName: { 'Fn::GetAtt': [logicalId(stack, site.bucket), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    });

    it('serves only signed URLs of the key group, whose key is the configured public key', () => {
      const keyGroupId = logicalId(stack, site.keyGroup);
      expect(config().DefaultCacheBehavior.TrustedKeyGroups).toEqual([{ Ref: keyGroupId }]);
      expect(only(template, 'AWS::CloudFront::KeyGroup').KeyGroupConfig).toMatchObject({
        Items: [{ Ref: logicalId(stack, site.publicKey) }],
      });
      expect(only(template, 'AWS::CloudFront::PublicKey').PublicKeyConfig).toMatchObject({
        EncodedKey: PUBLIC_KEY_PEM,
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('PRIVATE KEY');
    });

    it('answers HTTPS only (a redirect would first send the signed URL in clear), allows GET and HEAD, caches nothing, forwards no query string', () => {
      const behavior = config().DefaultCacheBehavior;
      expect(behavior.ViewerProtocolPolicy).toBe('https-only');
      expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
      // Managed policy CachingDisabled: TTL 0, no query strings, headers or cookies in the key.
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(behavior.OriginRequestPolicyId).toBeUndefined();
      expect(behavior.ForwardedValues).toBeUndefined();
    });

    it('adds the security headers and hides the encryption headers', () => {
      const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy')
        .ResponseHeadersPolicyConfig as Record<string, Record<string, unknown>>;
      expect(config().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
        Ref: expect.stringMatching(/ResponseHeaders/),
      });
      expect(policy.SecurityHeadersConfig).toMatchObject({
        ContentSecurityPolicy: { ContentSecurityPolicy: expect.stringContaining("frame-ancestors 'none'") },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY' },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000 },
      });
      expect(policy.CustomHeadersConfig?.Items).toContainEqual({
        Header: 'Cache-Control',
        Value: 'private, no-store, max-age=0',
        Override: true,
      });
      expect(policy.RemoveHeadersConfig?.Items).toContainEqual({
        Header: 'x-amz-server-side-encryption-aws-kms-key-id',
      });
    });

    it('writes no CloudFront access log (a log line would keep a working signed URL) and takes TLSv1.2_2021 with a custom domain', () => {
      expect(config().Logging).toBeUndefined();
      // No viewer query string (the signature) is forwarded to S3, whose server access logs record the reads.
      const behaviour = config().DefaultCacheBehavior as Record<string, unknown>;
      expect(behaviour.OriginRequestPolicyId).toBeUndefined();
      expect(behaviour.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
      const app = new App({ context: { ...CDK_JSON_CONTEXT } });
      const s = new Stack(app, 'D', { env: { account: '111122223333', region: 'us-east-1' } });
      new SmartBillSite(s, 'SmartBill', {
        publicKeyPem: PUBLIC_KEY_PEM,
        customDomain: {
          domainName: 'bills.example.com',
          certificate: Certificate.fromCertificateArn(
            s,
            'Cert',
            'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',
          ),
        },
        geoRestriction: GeoRestriction.allowlist('US'),
      });
      const custom = only(Template.fromStack(s), 'AWS::CloudFront::Distribution')
        .DistributionConfig as Record<string, unknown>;
      expect(custom.Aliases).toEqual(['bills.example.com']);
      expect(custom.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021' });
      expect(custom.Restrictions).toEqual({
        GeoRestriction: { Locations: ['US'], RestrictionType: 'whitelist' },
      });
    });
  });

  describe('grantPut', () => {
    it('allows PutObject under smartbills/ and GenerateDataKey on the key, nothing else', () => {
      const { template, stack, site, writer } = build();
      const policy = template.toJSON().Resources[stack.getLogicalId(writer.policy.node.defaultChild as never)]
        .Properties as Record<string, unknown>;
      expect((policy.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
        {
          Action: 's3:PutObject',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, site.bucket), 'Arn'] }, '/smartbills/*']],
          },
        },
        {
          Action: 'kms:GenerateDataKey',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalId(stack, site.key as unknown as IConstruct), 'Arn'] },
        },
      ]);
    });
  });

  describe('configuration checks', () => {
    it('refuses a private key as publicKeyPem', () => {
      expect(() => build({ publicKeyPem: PRIVATE_KEY_PEM })).toThrow(/private key/);
    });

    it('refuses something that is no RSA public key', () => {
      expect(() => build({ publicKeyPem: 'not a key' })).toThrow(/BEGIN PUBLIC KEY/);
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      expect(() => build({ publicKeyPem: ec })).toThrow(/RSA/);
    });

    it('exports the default signed URL lifetime: 30 days', () => {
      expect(DEFAULT_SIGNED_URL_TTL.toDays()).toBe(30);
    });
  });

  describe('cdk-nag (AwsSolutions, HIPAA Security)', () => {
    it('synthesizes with no unacknowledged error or warning', () => {
      // build() synthesizes: a finding would throw there, with CDK's report.
      const { app } = build({}, true);
      for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
        const { violations } = pack.validateScope(app);
        expect(
          violations.map(
            (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
          ),
          pack.readPackName,
        ).toEqual([]);
      }
    });

    it('acknowledges only findings that exist, each with a specific reason', () => {
      const { app, site, writer } = build();
      const acks = [...site.node.findAll(), ...writer.node.findAll()].flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) =>
            Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({ c, rule, reason })),
          ),
      );
      expect(acks.map((a) => `${a.rule.replace(/^annotation::/i, '')} @ ${a.c.node.path}`).sort()).toEqual(
        [
          'AwsSolutions-CFR1 @ SmartBillTest/SmartBill/Distribution',
          'AwsSolutions-CFR3 @ SmartBillTest/SmartBill/Distribution',
          'AwsSolutions-DDB3 @ SmartBillTest/SmartBill/Gate',
          'HIPAA.Security-DynamoDBInBackupPlan @ SmartBillTest/SmartBill/Gate',
          'HIPAA.Security-DynamoDBPITREnabled @ SmartBillTest/SmartBill/Gate',
          'HIPAA.Security-WAFv2LoggingEnabled @ SmartBillTest/SmartBill/WebAcl',
          'AwsSolutions-CFR4 @ SmartBillTest/SmartBill/Distribution',
          'HIPAA.Security-S3BucketReplicationEnabled @ SmartBillTest/SmartBill/Resource',
          'HIPAA.Security-S3BucketReplicationEnabled @ SmartBillTest/SmartBill/AccessLogs',
          'HIPAA.Security-S3DefaultEncryptionKMS @ SmartBillTest/SmartBill/AccessLogs',
          'AwsSolutions-IAM5[Resource::<SmartBillE48CB256.Arn>/smartbills/*] @ SmartBillTest/Writer',
        ].sort(),
      );
      const raw = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack: NagPack) => {
        Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
        return pack.validateScope(app).violations;
      });
      for (const { c, rule, reason } of acks) {
        if (rule.startsWith('@aws-cdk/')) continue;
        expect(reason.length, rule).toBeGreaterThan(60);
        const silenced = raw.some(
          (v) =>
            v.ruleName === rule.replace(/^annotation::/i, '') &&
            v.violatingResources.some(
              (r) => r.constructPath === c.node.path || (r.constructPath ?? '').startsWith(`${c.node.path}/`),
            ),
        );
        expect(silenced, `${rule} acknowledged at ${c.node.path}`).toBe(true);
      }
    });

    it('leaves no unacknowledged CDK warning', () => {
      const { stack } = build();
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
      expect(warnings.map((w) => w.entry.data)).toEqual([]);
    });
  });
});
