/**
 * POST /v1/recons in AWS (issue 17, § 2): a Lambda proxy integration on the Recon front function
 * (lambdas/handlers/submit-recon/handler.ts), which stores the body and starts the Express state
 * machine with keys and claims only. Replaces the tests of the StartSyncExecution integration's
 * VTL templates, which are gone: no route is a non-proxy integration any more.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, SCOPES } from '../../lambdas/handlers/shared/routes.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect?: string };

let synthesized: SynthesizedApp;
let template: Template;

beforeAll(() => {
  synthesized = synthApp();
  template = Template.fromStack(regionStacks(synthesized, 0).api);
});

afterAll(() => synthesized?.cleanup());

function resources(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

const FRONT_DESCRIPTION = 'POST /v1/recons: stores the body, runs the workflow, answers';

function frontId(): string {
  const ids = Object.entries(resources('AWS::Lambda::Function'))
    .filter(([, r]) => r.Properties.Description === FRONT_DESCRIPTION)
    .map(([id]) => id);
  expect(ids, 'the Recon front function').toHaveLength(1);
  return ids[0] as string;
}

function statementsOf(functionId: string): Statement[] {
  const fn = resources('AWS::Lambda::Function')[functionId] as Resource;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const role = resources('AWS::IAM::Role')[roleId] as Resource;
  const policies = { ...resources('AWS::IAM::ManagedPolicy'), ...resources('AWS::IAM::Policy') };
  const attached = ((role.Properties.ManagedPolicyArns ?? []) as { Ref?: string }[]).flatMap((arn) =>
    arn.Ref !== undefined && policies[arn.Ref] !== undefined ? [policies[arn.Ref] as Resource] : [],
  );
  const inline = Object.values(resources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`),
  );
  return [...attached, ...inline].flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

const actionsOf = (st: Statement): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);

describe('POST /v1/recons in AWS', () => {
  it('is a Lambda proxy integration on the front function, with the authorizer, its scope, an API key and the request model', () => {
    const methods = Object.values(
      template.findResources('AWS::ApiGateway::Method', { Properties: { OperationName: 'SubmitRecon' } }),
    ) as Resource[];
    expect(methods).toHaveLength(1);
    const method = (methods[0] as Resource).Properties;
    const [authorizerId] = Object.keys(resources('AWS::ApiGateway::Authorizer'));
    expect(method).toMatchObject({
      HttpMethod: 'POST',
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerId },
      AuthorizationScopes: [SCOPES.reconsWrite],
      ApiKeyRequired: true,
      RequestValidatorId: expect.anything(),
      RequestModels: { 'application/json': expect.anything() },
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
    expect(JSON.stringify((method.Integration as { Uri: unknown }).Uri)).toContain(`"${frontId()}","Arn"`);
    // API Gateway may invoke it (the LambdaIntegration's permission), for this method only.
    const permissions = Object.values(resources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(`"${frontId()}"`),
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const p of permissions) {
      expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).toContain('/POST/v1/recons');
    }
  });

  it('leaves no VTL integration and no role that lets API Gateway start an execution', () => {
    for (const method of Object.values(resources('AWS::ApiGateway::Method'))) {
      const integration = method.Properties.Integration as Record<string, unknown> | undefined;
      expect(integration?.Type, String(method.Properties.OperationName)).toBe('AWS_PROXY');
      expect(integration?.RequestTemplates).toBeUndefined();
      expect(integration?.IntegrationResponses).toBeUndefined();
    }
    const starters = Object.entries(resources('AWS::Lambda::Function')).filter(([id]) =>
      statementsOf(id).some((st) => actionsOf(st).some((a) => a.startsWith('states:'))),
    );
    expect(starters.map(([id]) => id)).toEqual([frontId()]);
    for (const role of Object.values(resources('AWS::IAM::Role'))) {
      if (!JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'))
        continue;
      expect(JSON.stringify(role.Properties)).not.toContain('states:');
    }
    const policies = [
      ...Object.values(resources('AWS::IAM::ManagedPolicy')),
      ...Object.values(resources('AWS::IAM::Policy')),
    ];
    const withStart = policies.filter((p) =>
      JSON.stringify(p.Properties).includes('states:StartSyncExecution'),
    );
    expect(withStart).toHaveLength(1);
  });

  it('may start that state machine synchronously and nothing else in Step Functions', () => {
    // The Recon workflow (Express), not the bulk repricing machine (STANDARD) the stack also has.
    const machines = Object.entries(resources('AWS::StepFunctions::StateMachine')).filter(
      ([, machine]) => (machine as Resource).Properties.StateMachineType === 'EXPRESS',
    );
    expect(machines).toHaveLength(1);
    const [machineId] = machines[0] as [string, unknown];
    const states = statementsOf(frontId()).filter((st) => actionsOf(st).some((a) => a.startsWith('states:')));
    expect(states).toHaveLength(1);
    expect(actionsOf(states[0] as Statement)).toEqual(['states:StartSyncExecution']);
    expect((states[0] as Statement).Resource).toEqual({ Ref: machineId });
    const env = (
      (resources('AWS::Lambda::Function')[frontId()] as Resource).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env.RECON_STATE_MACHINE_ARN).toEqual({ Ref: machineId });
    expect(env.RECON_BODIES_BUCKET).toBeDefined();
    expect(env.RECON_BODIES_KMS_KEY_ID).toBeDefined();
  });

  it('gets the bodies bucket by prefix (work/ read, write, delete; answers/ write and read for the link), its key, and no Recon table or PHI key', () => {
    const statements = statementsOf(frontId());
    const onBodies = statements
      .filter((st) => JSON.stringify(st.Resource).includes('recon-bodies'))
      .map(
        (st) =>
          `${/\/(work|sealed|answers)\/\*/.exec(JSON.stringify(st.Resource))?.[1]}:${actionsOf(st).sort().join(',')}`,
      )
      .sort();
    // CDK merges the statements of one prefix: work/ is read, written and deleted; answers/ written and read.
    expect(onBodies).toEqual([
      'answers:s3:GetObject,s3:PutObject',
      'work:s3:DeleteObject,s3:GetObject,s3:PutObject',
    ]);
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(actions).not.toContain('s3:ListBucket');
    expect(JSON.stringify(statements)).not.toMatch(/ReconStorePhiKey\w*Arn/);
    const kms = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
    expect(kms.length).toBeGreaterThan(0);
    for (const st of kms) expect(JSON.stringify(st.Resource)).toMatch(/ReconStore\w*Bodies\w*Arn|Bodies/);
  });

  it('has its encrypted log group, a timeout inside API Gateway’s 29 s, and the alarms of the other functions', () => {
    const fn = (resources('AWS::Lambda::Function')[frontId()] as Resource).Properties;
    expect(fn.Timeout).toBe(29);
    const logGroupRef = JSON.stringify((fn.LoggingConfig as { LogGroup: unknown }).LogGroup);
    const logGroups = Object.entries(resources('AWS::Logs::LogGroup')).filter(([id]) =>
      logGroupRef.includes(`"${id}"`),
    );
    expect(logGroups).toHaveLength(1);
    expect((logGroups[0] as [string, Resource])[1].Properties.KmsKeyId).toBeDefined();
    const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties).includes(`"${frontId()}"`),
    );
    const price = ROUTES.find((r) => r.id === 'PriceBill');
    const priceFn = Object.entries(resources('AWS::Lambda::Function')).find(
      ([, r]) => r.Properties.Description === `${price?.method} ${price?.path}: ${price?.summary}`,
    )?.[0];
    // The price function's operational alarms; its canary alarms (issue 20) watch its live alias,
    // which the front function, invoked by API Gateway unqualified, does not have.
    const priceAlarms = Object.values(resources('AWS::CloudWatch::Alarm')).filter(
      (a) =>
        JSON.stringify(a.Properties).includes(`"${priceFn}"`) &&
        !String(a.Properties.AlarmDescription).includes('canary'),
    );
    expect(priceAlarms.length).toBeGreaterThan(0);
    expect(alarms.length).toBe(priceAlarms.length);
  });
});
