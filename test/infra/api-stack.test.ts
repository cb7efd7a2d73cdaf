import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_FEE_INDEX_PATH, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { LOCAL_ONLY_SETTINGS, runtimeModeFrom } from '../../lambdas/handlers/shared/runtime-mode.js';
import { ACCESS_LOG_FIELDS } from '../../lib/constructs/api.js';
import { BUNDLE_TARGET, LAMBDA_RUNTIME } from '../../lib/constructs/node-function.js';
import { REPO_ROOT } from '../../lib/repo-root.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Selector = {
  Name: string;
  FieldSelectors: Array<{ Field: string; Equals?: unknown[]; StartsWith?: unknown[] }>;
};

let synthesized: SynthesizedApp;
let template: Template;
let secondRegion: Template;

beforeAll(() => {
  synthesized = synthApp();
  template = Template.fromStack(regionStacks(synthesized, 0).api);
  secondRegion = Template.fromStack(regionStacks(synthesized, 1).api);
});

afterAll(() => synthesized?.cleanup());

function resources(t: Template, type: string): Record<string, Resource> {
  return t.findResources(type) as Record<string, Resource>;
}

/** The method of a route, found by its operation name (the route id). */
function methodOf(routeId: string): Resource {
  const found = Object.values(
    template.findResources('AWS::ApiGateway::Method', { Properties: { OperationName: routeId } }),
  );
  expect(found, `method of ${routeId}`).toHaveLength(1);
  return found[0] as Resource;
}

/** The statements of the customer-managed policies of a function's role. */
function policyOf(functionId: string): { Action: string | string[]; Resource: unknown }[] {
  const fn = resources(template, 'AWS::Lambda::Function')[functionId] as Resource;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const role = resources(template, 'AWS::IAM::Role')[roleId] as Resource;
  const policies = resources(template, 'AWS::IAM::ManagedPolicy');
  return ((role.Properties.ManagedPolicyArns ?? []) as { Ref?: string }[])
    .flatMap((arn) =>
      arn.Ref !== undefined && policies[arn.Ref] !== undefined ? [policies[arn.Ref] as Resource] : [],
    )
    .flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
}

/** Routes served by one function each (the Recon submission is a state machine of several). */
const FUNCTION_ROUTES = ROUTES.filter((r) => r.workflow === undefined);
/** The task functions of workflow routes. */
const WORKFLOW_TASKS = ROUTES.flatMap((r) => r.workflow?.tasks ?? []);
/** The bulk repricing state machine's step functions: split, chunk, assemble (batch-workflow.ts). */
const BATCH_STEPS = 3;
/** The data release workflow's Build, Check and Record functions (issue 20). */
const RELEASE_STEPS = 3;
/** The front functions of workflow routes (what API Gateway invokes for them; issue 17). */
const WORKFLOW_FRONTS = ROUTES.filter((r) => r.workflow !== undefined);

/** Logical id of the function (and of its alias) of a route. */
/** The Recon workflow's task functions by state name (their description names the state). */
function reconWorkflowFunctions(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [id, r] of Object.entries(resources(template, 'AWS::Lambda::Function'))) {
    const state = /^POST \/v1\/recons, task (\w+)$/.exec(String(r.Properties.Description))?.[1];
    if (state !== undefined) found[state] = id;
  }
  return found;
}

function functionIdOf(routeId: string): { fn: string; alias: string } {
  const route = ROUTES.find((r) => r.id === routeId);
  const fns = Object.entries(resources(template, 'AWS::Lambda::Function')).filter(
    ([, r]) => (r.Properties.Description as string) === `${route?.method} ${route?.path}: ${route?.summary}`,
  );
  expect(fns, `function of ${routeId}`).toHaveLength(1);
  const fn = (fns[0] as [string, Resource])[0];
  const aliases = Object.entries(resources(template, 'AWS::Lambda::Alias')).filter(
    ([, r]) => (r.Properties.FunctionName as { Ref: string }).Ref === fn,
  );
  expect(aliases, `alias of ${routeId}`).toHaveLength(1);
  return { fn, alias: (aliases[0] as [string, Resource])[0] };
}

/** Full paths of the API's resources, rebuilt from PathPart and ParentId. */
function resourcePaths(): Map<string, string> {
  const all = resources(template, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const r = all[id] as Resource;
    const parent = r.Properties.ParentId as { Ref?: string };
    const prefix = parent.Ref === undefined ? '' : pathOf(parent.Ref);
    return `${prefix}/${r.Properties.PathPart as string}`;
  };
  return new Map(Object.keys(all).map((id) => [id, pathOf(id)]));
}

describe('API stack', () => {
  describe('routes', () => {
    it('builds exactly the routes of the route table, each with its method and path', () => {
      const paths = resourcePaths();
      const built = Object.values(resources(template, 'AWS::ApiGateway::Method')).map((m) => {
        const resourceId = (m.Properties.ResourceId as { Ref: string }).Ref;
        return `${m.Properties.HttpMethod as string} ${paths.get(resourceId)} ${m.Properties.OperationName as string}`;
      });
      expect(built.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path} ${r.id}`).sort());
    });

    it('uses a Cognito user pool authorizer', () => {
      template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [Match.anyValue()],
      });
    });

    it.each(ROUTES.filter((r) => r.scopes.length > 0).map((r) => [r.id, r] as const))(
      '%s requires the authorizer, its scopes from the route table and an API key',
      (_, route) => {
        const [authorizerId] = Object.keys(template.findResources('AWS::ApiGateway::Authorizer'));
        expect(methodOf(route.id).Properties).toMatchObject({
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizerId: { Ref: authorizerId },
          AuthorizationScopes: [...route.scopes],
          ApiKeyRequired: true,
        });
      },
    );

    it('leaves only the routes without scopes (health, the OpenAPI document) open, without scopes or API key', () => {
      const open = ROUTES.filter((r) => r.scopes.length === 0);
      // Issue 19: the KPI page signs in in the browser; its data routes need analytics:read.
      expect(open.map((r) => r.path)).toEqual(['/analytics', '/v1/health', '/openapi.json']);
      for (const route of open) {
        const method = methodOf(route.id).Properties;
        expect(method).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false });
        expect(method.AuthorizationScopes).toBeUndefined();
        expect(method.AuthorizerId).toBeUndefined();
      }
    });

    it('validates requests: JSON object bodies on POST and required path parameters', () => {
      const validators = Object.keys(
        template.findResources('AWS::ApiGateway::RequestValidator', {
          Properties: { ValidateRequestBody: true, ValidateRequestParameters: true },
        }),
      );
      expect(validators).toHaveLength(1);
      for (const route of ROUTES) {
        const method = methodOf(route.id).Properties;
        expect(method.RequestValidatorId).toEqual({ Ref: validators[0] });
        const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => `method.request.path.${m[1]}`);
        expect(Object.keys(method.RequestParameters as object).sort()).toEqual(params.sort());
        if (route.method === 'POST')
          expect(method.RequestModels).toEqual({ 'application/json': { Ref: expect.any(String) } });
      }
      template.hasResourceProperties('AWS::ApiGateway::Model', {
        ContentType: 'application/json',
        Schema: { type: 'object' },
      });
    });

    it('invokes the live alias of each route function', () => {
      for (const route of FUNCTION_ROUTES) {
        const { alias } = functionIdOf(route.id);
        expect(methodOf(route.id).Properties.Integration).toEqual({
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: {
            'Fn::Join': [
              '',
              [
                expect.stringMatching(/:lambda:path\/2015-03-31\/functions\/$/),
                { Ref: alias },
                '/invocations',
              ],
            ],
          },
        });
      }
    });

    it("answers API Gateway's own errors in the project's error shape", () => {
      const responses = Object.values(resources(template, 'AWS::ApiGateway::GatewayResponse'));
      const types = responses.map((r) => r.Properties.ResponseType);
      expect(types).toEqual(
        expect.arrayContaining([
          'UNAUTHORIZED',
          'ACCESS_DENIED',
          'BAD_REQUEST_BODY',
          'THROTTLED',
          'DEFAULT_4XX',
          'DEFAULT_5XX',
        ]),
      );
      for (const r of responses) {
        const body = (r.Properties.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
        expect(body).toMatch(
          /"userMessage":".+","developerMessage":\$context\.error\.messageString,"errors":\[\],"requestId":"\$context\.requestId"/,
        );
        if (r.Properties.StatusCode !== undefined)
          expect(body).toContain(`"statusCode":${r.Properties.StatusCode},`);
      }
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
        StatusCode: '404',
      });
    });
  });

  describe('usage plan', () => {
    it('throttles each API key with the stage throttle and attaches the key', () => {
      const { rateLimit, burstLimit } = synthesized.config.throttle;
      const plans = Object.keys(
        template.findResources('AWS::ApiGateway::UsagePlan', {
          Properties: {
            Throttle: { RateLimit: rateLimit, BurstLimit: burstLimit },
            ApiStages: [Match.objectLike({ ApiId: Match.anyValue(), Stage: Match.anyValue() })],
          },
        }),
      );
      expect(plans).toHaveLength(1);
      const [keyId] = Object.keys(template.findResources('AWS::ApiGateway::ApiKey'));
      template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
        KeyId: { Ref: keyId },
        KeyType: 'API_KEY',
        UsagePlanId: { Ref: plans[0] },
      });
    });

    it('keeps the logical ids of the REST API (its URL) and the API key (its value)', () => {
      expect(Object.keys(template.findResources('AWS::ApiGateway::RestApi'))).toEqual(['Api9AF3637B']);
      expect(Object.keys(template.findResources('AWS::ApiGateway::ApiKey'))).toEqual(['ApiApiKeyF99AD740']);
    });

    it('compresses answers of 1 KiB or more when the client accepts gzip or deflate, like the local adapter', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { MinimumCompressionSize: 1024 });
    });
  });

  describe('stage and logs', () => {
    const stage = () => Object.values(resources(template, 'AWS::ApiGateway::Stage'))[0] as Resource;

    it('writes access logs as JSON with request metadata only', () => {
      const setting = stage().Properties.AccessLogSetting as { Format: string; DestinationArn: unknown };
      const format = JSON.parse(setting.Format) as Record<string, string>;
      expect(format).toEqual(ACCESS_LOG_FIELDS);
      expect(Object.keys(format).sort()).toEqual(
        [
          'requestId',
          'requestTime',
          'ip',
          'caller',
          'clientId',
          'apiKeyId',
          'method',
          'resourcePath',
          'status',
          'latency',
          'responseLength',
          'integrationLatency',
          'integrationStatus',
          'errorType',
          'xrayTraceId',
        ].sort(),
      );
      // Nothing a client sends: no body, query string, header values, or the path with its values.
      expect(setting.Format).not.toMatch(
        /\$input|body|querystring|requestOverride|\$context\.path|header|apiKey"/i,
      );
      expect(format.resourcePath).toBe('$context.resourcePath');
    });

    it('logs errors without data trace, with metrics, X-Ray and the stage throttle', () => {
      const { rateLimit, burstLimit } = synthesized.config.throttle;
      expect(stage().Properties).toMatchObject({
        StageName: synthesized.config.name,
        TracingEnabled: true,
        MethodSettings: [
          {
            HttpMethod: '*',
            ResourcePath: '/*',
            DataTraceEnabled: false,
            LoggingLevel: 'ERROR',
            MetricsEnabled: true,
            ThrottlingRateLimit: rateLimit,
            ThrottlingBurstLimit: burstLimit,
          },
        ],
      });
    });

    it('creates the execution log group before the stage, encrypted and with a retention', () => {
      const [restApiId] = Object.keys(template.findResources('AWS::ApiGateway::RestApi'));
      const groups = Object.entries(resources(template, 'AWS::Logs::LogGroup')).filter(([, r]) =>
        JSON.stringify(r.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
      );
      expect(groups).toHaveLength(1);
      const [groupId, group] = groups[0] as [string, Resource];
      expect(group.Properties.LogGroupName).toEqual({
        'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId }, `/${synthesized.config.name}`]],
      });
      expect(stage().DependsOn).toContain(groupId);
    });

    it('encrypts every log group with the log key and gives it the configured retention', () => {
      const groups = Object.values(resources(template, 'AWS::Logs::LogGroup'));
      expect(groups.length).toBeGreaterThanOrEqual(ROUTES.length + 4);
      for (const group of groups) {
        expect(group.Properties.KmsKeyId).toEqual(
          expect.objectContaining({ 'Fn::GetStackOutput': expect.anything() }),
        );
        expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
      }
    });
  });

  describe('WAF', () => {
    it('blocks a client IP above the configured rate and is associated with the stage', () => {
      const acls = Object.keys(
        template.findResources('AWS::WAFv2::WebACL', {
          Properties: {
            Scope: 'REGIONAL',
            Rules: Match.arrayWith([
              Match.objectLike({
                Action: { Block: {} },
                Statement: {
                  RateBasedStatement: {
                    AggregateKeyType: 'IP',
                    Limit: synthesized.config.wafRateLimit,
                    EvaluationWindowSec: 300,
                  },
                },
              }),
            ]),
          },
        }),
      );
      expect(acls).toHaveLength(1);
      const [stageId] = Object.keys(template.findResources('AWS::ApiGateway::Stage'));
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        WebACLArn: { 'Fn::GetAtt': [acls[0], 'Arn'] },
        ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: stageId }])] },
      });
    });

    it('logs blocked requests with credentials and query strings redacted', () => {
      template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: [
          { SingleHeader: { Name: 'authorization' } },
          { SingleHeader: { Name: 'x-api-key' } },
          { QueryString: {} },
        ],
      });
    });
  });

  describe('functions', () => {
    it.each(FUNCTION_ROUTES.map((r) => [r.id, r] as const))(
      '%s runs on nodejs22.x, arm64, traced, with source maps and its own encrypted log group',
      (_, route) => {
        const { fn } = functionIdOf(route.id);
        const props = (resources(template, 'AWS::Lambda::Function')[fn] as Resource).Properties;
        expect(props).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          MemorySize: synthesized.config.memorySize,
          ReservedConcurrentExecutions: synthesized.config.reservedConcurrency,
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
        const env = (props.Environment as { Variables: Record<string, string> }).Variables;
        expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
        if (route.usesFeeIndex) {
          expect(env.FEE_INDEX_PATH).toBe(LAMBDA_FEE_INDEX_PATH);
          const [layerId] = Object.keys(template.findResources('AWS::Lambda::LayerVersion'));
          // The release in production's layer when the stage's parameter names one, else the
          // layer this synth built (issue 20, decision 020).
          expect(props.Layers).toEqual([
            { 'Fn::If': ['HasDataRelease', { Ref: 'DataReleaseLayer' }, { Ref: layerId }] },
          ]);
        } else {
          expect(env.FEE_INDEX_PATH).toBeUndefined();
          expect(props.Layers).toBeUndefined();
        }
      },
    );

    it('ships the fee index as one layer for Node.js 22', () => {
      template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        CompatibleRuntimes: ['nodejs22.x'],
        Description: Match.stringLikeRegexp(
          `^Fee schedule index at ${LAMBDA_FEE_INDEX_PATH} \\(sha256 [0-9a-f]{64}\\)$`,
        ),
      });
    });

    it('gives every route function a live alias, without provisioned concurrency when the stage has none', () => {
      expect(synthesized.config.provisionedConcurrency).toBe(0);
      for (const route of FUNCTION_ROUTES) {
        const { alias } = functionIdOf(route.id);
        const props = (resources(template, 'AWS::Lambda::Alias')[alias] as Resource).Properties;
        expect(props.Name).toBe('live');
        expect(props.ProvisionedConcurrencyConfig).toBeUndefined();
      }
    });

    it('keeps permissions in customer-managed policies: no inline policies, no AWS managed policies on function roles', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
      for (const [id, role] of Object.entries(resources(template, 'AWS::IAM::Role'))) {
        expect(role.Properties.Policies, id).toBeUndefined();
        const managed = JSON.stringify(role.Properties.ManagedPolicyArns ?? []);
        if (id.includes('CloudWatchRole')) {
          expect(managed).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
        } else if (id.startsWith('DataReleasesDeployRole')) {
          // CodeDeploy's role for the canaries: CDK's LambdaDeploymentGroup attaches CodeDeploy's
          // own policy (issue 20, data-releases.ts); it is not a function's role.
          expect(managed).toContain('AWSCodeDeployRoleForLambdaLimited');
        } else {
          expect(managed, id).not.toContain('iam::aws:policy');
        }
      }
    });
  });

  describe('Recon workflow', () => {
    it('is an Express state machine whose definition is the ASL file, logging no execution data', () => {
      // The other machine is bulk repricing's STANDARD one (test/infra/batch-workflow.test.ts).
      const machines = Object.values(resources(template, 'AWS::StepFunctions::StateMachine')).filter(
        (m) => m.Properties.StateMachineType !== 'STANDARD',
      );
      expect(machines).toHaveLength(1);
      const props = (machines[0] as Resource).Properties;
      expect(props).toMatchObject({
        StateMachineType: 'EXPRESS',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
      const asl = JSON.parse(readFileSync(join(REPO_ROOT, 'lambdas/workflows/recon.asl.json'), 'utf8'));
      expect(Object.keys(props.DefinitionSubstitutions as object).sort()).toEqual(
        WORKFLOW_TASKS.map((t) => t.substitution).sort(),
      );
      const definition = JSON.stringify(props.DefinitionString);
      for (const state of Object.keys(asl.States)) expect(definition).toContain(`\\"${state}\\"`);
    });

    it('is started synchronously by its front function, behind a Lambda proxy integration (issue 17; test/infra/recon-front.test.ts)', () => {
      const integration = methodOf('SubmitRecon').Properties.Integration as Record<string, unknown>;
      expect(integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(integration.Uri)).not.toContain('StartSyncExecution');
      expect(integration.RequestTemplates).toBeUndefined();
    });

    it('gives each function only its Recon access: KMS only with the Recon encryption context, none to delete', () => {
      const policies = JSON.stringify(resources(template, 'AWS::IAM::ManagedPolicy'));
      expect(policies).toContain('"kms:EncryptionContextKeys":["tenant","controlNumber","sequence"]');
      const statements = Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).flatMap(
        (p) =>
          ((p as Resource).Properties.PolicyDocument as { Statement: { Action: string | string[] }[] })
            .Statement,
      );
      const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
      expect(actions).not.toContain('dynamodb:*');
      expect(actions).not.toContain('dynamodb:Scan');
    });
  });

  describe('least privilege', () => {
    const actionsOf = (st: { Action: string | string[] }): string[] =>
      Array.isArray(st.Action) ? st.Action : [st.Action];
    /** Statements of a function's policies that name the PHI key (the key that wraps the bill as sent). */
    const onPhiKey = (functionId: string) =>
      policyOf(functionId).filter((st) => /ReconStorePhiKey\w*Arn/.test(JSON.stringify(st.Resource)));
    const envOf = (functionId: string): Record<string, unknown> =>
      (
        (resources(template, 'AWS::Lambda::Function')[functionId] as Resource).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

    it('the Recon listing function (clear totals and sequences) cannot use the PHI data key', () => {
      const { fn } = functionIdOf('GetRecon');
      expect(onPhiKey(fn)).toEqual([]);
      const kms = policyOf(fn)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('kms:'));
      // The table key only, to read the table (DynamoDB SSE): never GenerateDataKey.
      expect(kms.sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
      expect(envOf(fn).RECON_KMS_KEY_ID).toBeUndefined();
      expect(envOf(fn).RECON_TABLE_NAME).toBeDefined();
    });

    it('the delta-sync listing function (GET /v1/recons) may query its index, with no PHI key and no write', () => {
      const { fn } = functionIdOf('ListRecons');
      expect(onPhiKey(fn)).toEqual([]);
      expect(envOf(fn).RECON_KMS_KEY_ID).toBeUndefined();
      const statements = policyOf(fn);
      const onIndex = statements.filter((st) =>
        JSON.stringify(st.Resource).includes('/index/byTenantUpdated'),
      );
      expect(onIndex.flatMap(actionsOf)).toEqual(['dynamodb:Query']);
      expect(JSON.stringify(statements)).not.toContain('/index/byTenant"');
      const actions = statements.flatMap(actionsOf);
      expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    });

    it('gives the Recon bodies bucket to the tasks and the sequence route by prefix, and to no listing (issue 17)', () => {
      const bodiesStatements = (fn: string) =>
        policyOf(fn)
          .filter((st) => JSON.stringify(st.Resource).includes('recon-bodies'))
          .map((st) => ({ actions: actionsOf(st).sort(), resource: JSON.stringify(st.Resource) }));
      const prefixOf = (resource: string) => /\/(work|sealed|answers)\/\*/.exec(resource)?.[1];
      const tasks = reconWorkflowFunctions();
      const of = (state: string) =>
        bodiesStatements(tasks[state] as string).map(
          (st) => `${prefixOf(st.resource)}:${st.actions.join(',')}`,
        );
      expect(of('Price')).toEqual(['work:s3:GetObject,s3:PutObject']);
      expect(of('Delta')).toEqual(['work:s3:GetObject,s3:PutObject']);
      expect(of('LoadLatest').sort()).toEqual(['sealed:s3:GetObject', 'work:s3:GetObject,s3:PutObject']);
      expect(of('Write').sort()).toEqual([
        'sealed:s3:DeleteObject,s3:PutObject',
        'work:s3:GetObject,s3:PutObject',
      ]);
      const sequence = functionIdOf('GetReconSequence').fn;
      // The sequence route stores a sequence too large to answer and signs its link (issue 17).
      expect(
        bodiesStatements(sequence)
          .map((st) => `${prefixOf(st.resource)}:${st.actions.join(',')}`)
          .sort(),
      ).toEqual(['answers:s3:GetObject,s3:PutObject', 'sealed:s3:GetObject']);
      expect(envOf(sequence).RECON_BODIES_BUCKET).toBeDefined();
      expect(envOf(sequence).RECON_BODIES_KMS_KEY_ID).toBeDefined();
      // DELETE removes large sealed sequences' objects: delete on sealed/ only, and no key.
      const deleter = functionIdOf('DeleteRecon').fn;
      expect(
        bodiesStatements(deleter).map((st) => `${prefixOf(st.resource)}:${st.actions.join(',')}`),
      ).toEqual(['sealed:s3:DeleteObject']);
      expect(envOf(deleter).RECON_BODIES_BUCKET).toBeDefined();
      expect(envOf(deleter).RECON_BODIES_KMS_KEY_ID).toBeUndefined();
      for (const route of ['GetRecon', 'ListRecons']) {
        expect(bodiesStatements(functionIdOf(route).fn), route).toEqual([]);
      }
    });

    it('gives the Recon bodies key to the sequence function to store and sign answers, and none to the delete function (issue 17)', () => {
      const onBodiesKey = (fn: string) =>
        policyOf(fn)
          .filter(
            (st) =>
              JSON.stringify(st.Resource).includes('Bodies') &&
              actionsOf(st).some((a) => a.startsWith('kms:')),
          )
          .flatMap(actionsOf)
          .sort();
      expect(onBodiesKey(functionIdOf('GetReconSequence').fn)).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
      expect(onBodiesKey(functionIdOf('DeleteRecon').fn)).toEqual([]);
    });

    it('lets the Recon tasks that answer a priced sequence link SmartBill pages, and no other task (issue 17)', () => {
      const tasks = reconWorkflowFunctions();
      for (const state of ['LoadLatest', 'Write']) {
        expect(envOf(tasks[state] as string).SMARTBILL_BASE_URL, state).toBeDefined();
        expect(envOf(tasks[state] as string).SMARTBILL_SIGNING_KEY_SECRET_ID, state).toBeDefined();
        const actions = policyOf(tasks[state] as string).flatMap(actionsOf);
        expect(actions, state).toContain('lambda:InvokeFunction');
      }
      for (const state of ['Price', 'Delta']) {
        expect(envOf(tasks[state] as string).SMARTBILL_BASE_URL, state).toBeUndefined();
      }
    });

    it('the health function may describe the table, the PHI key and the page bucket, and nothing more', () => {
      const { fn } = functionIdOf('Health');
      const actions = policyOf(fn).flatMap(actionsOf);
      expect(onPhiKey(fn).flatMap(actionsOf)).toEqual(['kms:DescribeKey']);
      expect(actions).toContain('dynamodb:DescribeTable');
      expect(actions).toContain('s3:ListBucket');
      expect(
        actions.filter((a) =>
          /^(kms:(Decrypt|Encrypt|GenerateDataKey)|dynamodb:(Get|Query|Put|Update|Delete)|s3:(Get|Put))/.test(
            a,
          ),
        ),
      ).toEqual([]);
      expect(envOf(fn).RECON_TABLE_NAME).toBeDefined();
      expect(envOf(fn).RECON_KMS_KEY_ID).toBeDefined();
      expect(envOf(fn).SMARTBILL_BUCKET).toBeDefined();
    });

    it('the sequence function, which returns the bill as sent, can decrypt with it (the check above can fail)', () => {
      const { fn } = functionIdOf('GetReconSequence');
      expect(onPhiKey(fn).flatMap(actionsOf)).toEqual(['kms:Decrypt']);
      expect(JSON.stringify(onPhiKey(fn))).toContain(
        '"kms:EncryptionContextKeys":["tenant","controlNumber","sequence"]',
      );
      expect(envOf(fn).RECON_KMS_KEY_ID).toBeDefined();
    });
  });

  describe('SmartBill', () => {
    function rendererId(): string {
      const ids = Object.entries(resources(template, 'AWS::Lambda::Function'))
        .filter(([, r]) => String(r.Properties.Description).startsWith('Renders and stores SmartBill pages'))
        .map(([id]) => id);
      expect(ids).toHaveLength(1);
      return ids[0] as string;
    }
    const has = <S extends { Action: string | string[] }>(statements: S[], action: string): S[] =>
      statements.filter((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]).includes(action));

    it('gives the pricing function the link settings: distribution domain, key pair id, secret, lifetime, renderer', () => {
      const { fn } = functionIdOf('PriceBill');
      const env = (
        (resources(template, 'AWS::Lambda::Function')[fn] as Resource).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(env.SMARTBILL_SIGNING_KEY_SECRET_ID).toBe(synthesized.config.smartBill.signingKeySecretName);
      expect(env.SMARTBILL_URL_TTL_DAYS).toBe(String(synthesized.config.smartBill.urlTtlDays));
      expect(env.SMARTBILL_RENDERER_FUNCTION).toEqual({ Ref: rendererId() });
      expect(JSON.stringify(env.SMARTBILL_BASE_URL)).toMatch(
        /^\{"Fn::Join":\["",\["https:\/\/",.*SmartBillDistribution\w*DomainName/,
      );
      expect(JSON.stringify(env.SMARTBILL_KEY_PAIR_ID)).toMatch(/SmartBill\w*PublicKey/);
      expect(env.SMARTBILL_BUCKET).toBeDefined();
      // No private key anywhere in the template.
      expect(JSON.stringify(template.toJSON())).not.toMatch(/PRIVATE KEY/);
    });

    it('lets the pricing function invoke the renderer (unqualified only), read the secret and put pages', () => {
      const statements = policyOf(functionIdOf('PriceBill').fn);
      expect(has(statements, 'lambda:InvokeFunction').map((st) => st.Resource)).toEqual([
        { 'Fn::GetAtt': [rendererId(), 'Arn'] },
      ]);
      expect(JSON.stringify(has(statements, 'secretsmanager:GetSecretValue'))).toContain(
        `secret:${synthesized.config.smartBill.signingKeySecretName}-??????`,
      );
      expect(JSON.stringify(has(statements, 's3:PutObject'))).toContain('/smartbills/*');
      // Issue 17: it reads back only the oversized answers it stores (a presigned GET is authorised
      // as its signer); no SmartBill page (test/infra/oversized-answers.test.ts).
      // Issue 19: and the peers' snapshot (peers/latest.json) of the analytics bucket.
      expect(has(statements, 's3:GetObject').map((st) => JSON.stringify(st.Resource))).toEqual([
        expect.stringContaining('-answers-'),
        expect.stringContaining('-analytics-'),
      ]);
      expect(JSON.stringify(has(statements, 's3:GetObject'))).toContain('/peers/latest.json');
      expect(JSON.stringify(has(statements, 's3:GetObject'))).not.toContain('smartbills');
      expect(has(statements, 's3:DeleteObject')).toEqual([]);
    });

    it('renders asynchronously with two retries and a dead-letter queue; the renderer only puts pages', () => {
      const id = rendererId();
      const renderer = resources(template, 'AWS::Lambda::Function')[id] as Resource;
      expect(renderer.Properties.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
      // Issue 15 (item 7): under the stage's customer-managed key, no longer alias/aws/sqs.
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: {
          'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('DeadLetterKey') }),
        },
      });
      const statements = policyOf(id);
      // Lambda writes to the queue with the renderer's role: SSE-KMS needs these two on the key.
      const onKey = statements.filter((st) => JSON.stringify(st.Resource).includes('DeadLetterKey'));
      expect(onKey.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])).sort()).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
      expect(JSON.stringify(has(statements, 's3:PutObject'))).toContain('/smartbills/*');
      expect(has(statements, 'secretsmanager:GetSecretValue')).toEqual([]);
      expect(has(statements, 'lambda:InvokeFunction')).toEqual([]);
    });
  });

  describe('audit trail', () => {
    it('validates log files, encrypts with the audit key and delivers to the audit bucket and CloudWatch Logs', () => {
      for (const t of [template, secondRegion]) {
        t.resourceCountIs('AWS::CloudTrail::Trail', 1);
        t.hasResourceProperties('AWS::CloudTrail::Trail', {
          EnableLogFileValidation: true,
          IsLogging: true,
          KMSKeyId: {
            'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AuditStoreKey') }),
          },
          S3BucketName: Match.anyValue(),
          CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditTrailLogGroup'), 'Arn'] },
          CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditTrailLogsRole'), 'Arn'] },
        });
      }
    });

    /** The trail's advanced event selectors (issue 15: DynamoDB data events exist only there). */
    function selectorsOf(t: Template): Selector[] {
      const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0] as Resource;
      // A trail takes basic or advanced selectors, never both.
      expect(trail.Properties.EventSelectors).toBeUndefined();
      return trail.Properties.AdvancedEventSelectors as Selector[];
    }
    /** The ARN conditions of the data selector for one resource type (there must be exactly one). */
    function dataSelectorOf(t: Template, resourceType: string): Selector['FieldSelectors'][number] {
      const found = selectorsOf(t).filter((sel) =>
        sel.FieldSelectors.some((f) => f.Field === 'resources.type' && f.Equals?.[0] === resourceType),
      );
      expect(found, resourceType).toHaveLength(1);
      const fields = (found[0] as Selector).FieldSelectors;
      expect(fields.find((f) => f.Field === 'eventCategory')?.Equals).toEqual(['Data']);
      // Reads and writes alike.
      expect(fields.find((f) => f.Field === 'readOnly')).toBeUndefined();
      const arn = fields.find((f) => f.Field === 'resources.ARN');
      if (arn === undefined)
        throw new Error(`the ${resourceType} selector names no ARN: it would record the whole account`);
      return arn;
    }

    it('records management events of all regions and global services from the home region only', () => {
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
      });
      expect(selectorsOf(template)).toContainEqual({
        Name: 'Management events',
        FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
      });
      secondRegion.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsMultiRegionTrail: false,
        IncludeGlobalServiceEvents: false,
      });
      const categories = selectorsOf(secondRegion).flatMap((sel) =>
        sel.FieldSelectors.filter((f) => f.Field === 'eventCategory').flatMap((f) => f.Equals ?? []),
      );
      expect(categories.length).toBeGreaterThan(0);
      expect(new Set(categories)).toEqual(new Set(['Data']));
    });

    it('records item-level operations on the Recon and batch tables (DynamoDB data events) in every region', () => {
      for (const t of [template, secondRegion]) {
        expect(dataSelectorOf(t, 'AWS::DynamoDB::Table')).toEqual({
          Field: 'resources.ARN',
          Equals: [
            {
              'Fn::GetStackOutput': expect.objectContaining({
                OutputName: expect.stringMatching(/ReconStore0518F8E3Arn/),
              }),
            },
            {
              'Fn::GetStackOutput': expect.objectContaining({
                OutputName: expect.stringMatching(/BatchStoreTable/),
              }),
            },
          ],
        });
      }
    });

    it('records object operations on the SmartBill, oversized answers and batch buckets (S3 data events, by their computed names)', () => {
      for (const t of [template, secondRegion]) {
        const arn = dataSelectorOf(t, 'AWS::S3::Object');
        expect(arn.Equals).toBeUndefined();
        // smartBillBucketName, oversizedAnswersBucketName and batchBucketName:
        // wcbr-<stage>-<what>-<account>-<region>; every object of each (issue 17: stored answers are
        // priced bills; batches hold the bills of a bulk repricing and their results).
        expect(arn.StartsWith).toEqual(
          ['smartbills', 'answers', 'batches'].map((what) => ({
            'Fn::Join': [
              '',
              [`arn:aws:s3:::wcbr-dev-${what}-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, '/'],
            ],
          })),
        );
      }
    });

    it('records the invocations of every route function and of the Cognito trigger', () => {
      for (const t of [template, secondRegion]) {
        const values = dataSelectorOf(t, 'AWS::Lambda::Function').Equals ?? [];
        const fnIds = Object.keys(t.findResources('AWS::Lambda::Function'));
        // + the SmartBill renderer, the three bulk repricing steps, the analytics peers builder and
        // the three data release steps (issue 20)
        expect(fnIds).toHaveLength(
          FUNCTION_ROUTES.length +
            WORKFLOW_TASKS.length +
            WORKFLOW_FRONTS.length +
            2 +
            BATCH_STEPS +
            RELEASE_STEPS,
        );
        expect(values).toEqual(
          expect.arrayContaining([
            ...fnIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
            {
              'Fn::GetStackOutput': expect.objectContaining({
                OutputName: expect.stringContaining('PreTokenGeneration'),
              }),
            },
          ]),
        );
        expect(values).toHaveLength(
          FUNCTION_ROUTES.length +
            WORKFLOW_TASKS.length +
            WORKFLOW_FRONTS.length +
            3 +
            BATCH_STEPS +
            RELEASE_STEPS,
        );
      }
    });
  });
});

describe('every function of the app (both stacks, every region)', () => {
  /** Every Lambda function of every synthesized stack, with its stack's name. */
  function allFunctions(): Array<{ stack: string; id: string; props: Record<string, unknown> }> {
    return synthesized.stacks.flatMap(({ stateful, api }) =>
      [stateful, api].flatMap((stack) =>
        Object.entries(resources(Template.fromStack(stack), 'AWS::Lambda::Function')).map(([id, r]) => ({
          stack: stack.stackName,
          id,
          props: r.Properties,
        })),
      ),
    );
  }

  it('runs on nodejs22.x, the runtime the tests, the local stack and the bench run on (issue 15, item 6)', () => {
    const fns = allFunctions();
    // Route functions, workflow tasks and fronts, the renderer, the Cognito trigger and the SmartBill
    // unlock function (stateful stack, behind the distribution: decision 009) and the analytics
    // peers builder (issue 19) and the data release steps (issue 20), in each region.
    expect(fns).toHaveLength(
      synthesized.config.regions.length *
        (FUNCTION_ROUTES.length +
          WORKFLOW_TASKS.length +
          WORKFLOW_FRONTS.length +
          4 +
          BATCH_STEPS +
          RELEASE_STEPS),
    );
    for (const { stack, id, props } of fns) expect(props.Runtime, `${stack}/${id}`).toBe('nodejs22.x');
    // The bundles' language level follows the runtime (esbuild target node22 for nodejs22.x).
    expect(LAMBDA_RUNTIME.name).toBe('nodejs22.x');
    expect(BUNDLE_TARGET).toBe(LAMBDA_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1'));
  });

  it('sets WCBR_MODE=aws on every function, and no setting the start-up check would refuse', () => {
    for (const { stack, id, props } of allFunctions()) {
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.WCBR_MODE, `${stack}/${id}`).toBe('aws');
      // The environment as Lambda would see it (tokens stand for resolved ARNs and names).
      const env = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : 'resolved',
        ]),
      );
      expect(() => runtimeModeFrom({ ...env, AWS_LAMBDA_FUNCTION_NAME: id }), `${stack}/${id}`).not.toThrow();
      for (const name of LOCAL_ONLY_SETTINGS)
        expect(variables[name], `${stack}/${id} ${name}`).toBeUndefined();
      // A pricing function links SmartBill pages through the renderer function, never in the background.
      if (variables.SMARTBILL_BASE_URL !== undefined) {
        expect(variables.SMARTBILL_RENDERER_FUNCTION, `${stack}/${id}`).toBeDefined();
        expect(variables.SMARTBILL_SIGNING_KEY_SECRET_ID, `${stack}/${id}`).toBeDefined();
      }
    }
  });
});

describe('API stack with provisioned concurrency', () => {
  let tuned: SynthesizedApp;
  let tunedTemplate: Template;

  beforeAll(() => {
    tuned = synthApp({ stage: { provisionedConcurrency: 3, reservedConcurrency: 25, memorySize: 2048 } });
    tunedTemplate = Template.fromStack(regionStacks(tuned, 1).api);
  });

  afterAll(() => tuned?.cleanup());

  it('puts the provisioned concurrency on the live alias of the hot routes only', () => {
    const aliases = Object.values(tunedTemplate.findResources('AWS::Lambda::Alias')) as Resource[];
    expect(aliases).toHaveLength(FUNCTION_ROUTES.length);
    const withPc = aliases.filter((a) => a.Properties.ProvisionedConcurrencyConfig !== undefined);
    expect(withPc).toHaveLength(ROUTES.filter((r) => r.hot).length);
    for (const alias of withPc) {
      expect(alias.Properties).toMatchObject({
        Name: 'live',
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 },
        Description: expect.stringMatching(
          new RegExp(
            `for (${ROUTES.filter((r) => r.hot)
              .map((r) => r.id)
              .join('|')})$`,
          ),
        ),
      });
    }
  });

  it('sizes the functions from the stage (the SmartBill renderer has one full vCPU for PBKDF2)', () => {
    for (const fn of Object.values(tunedTemplate.findResources('AWS::Lambda::Function')) as Resource[]) {
      // The bulk repricing steps are sized for their work, not the stage (batch-workflow.ts).
      if (String(fn.Properties.Description).startsWith('Bulk repricing, step')) continue;
      // So is the scheduled analytics peers builder: one run a day (analytics.ts, issue 19).
      if (String(fn.Properties.Description).startsWith("Builds the peers' snapshot")) continue;
      // And the data release steps: sized for the national index (data-releases.ts, issue 20).
      if (String(fn.Properties.Description).startsWith('Data release:')) continue;
      const renderer = String(fn.Properties.Description).startsWith('Renders and stores SmartBill pages');
      expect(fn.Properties).toMatchObject({
        MemorySize: renderer ? 1769 : 2048,
        ReservedConcurrentExecutions: 25,
      });
    }
  });
});
