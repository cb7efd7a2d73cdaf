import { ArnFormat, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IApiKey,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Model,
  RequestValidator,
  ResponseType,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { BULK_ROUTE } from '../../lambdas/app/answers.js';
import { MIN_COMPRESSION_BYTES } from '../../lambdas/handlers/shared/compression.js';
import { ROUTES, type RouteDefinition } from '../../lambdas/handlers/shared/routes.js';

/**
 * What an access log line holds: request metadata only. No body, no query string, no path with
 * its parameter values (`resourcePath` is the template, e.g. `/v1/fee-schedules/{jurisdiction}/{code}`),
 * no header values: nothing a client sends can carry PHI into the log. `caller` is the token's
 * `sub` (a user's opaque id, or the client id of a machine client).
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: AccessLogField.contextRequestId(),
  requestTime: AccessLogField.contextRequestTimeEpoch(),
  ip: AccessLogField.contextIdentitySourceIp(),
  caller: AccessLogField.contextAuthorizerClaims('sub'),
  clientId: AccessLogField.contextAuthorizerClaims('client_id'),
  apiKeyId: AccessLogField.contextIdentityApiKeyId(),
  method: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  status: AccessLogField.contextStatus(),
  latency: AccessLogField.contextResponseLatency(),
  responseLength: AccessLogField.contextResponseLength(),
  integrationLatency: AccessLogField.contextIntegrationLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  errorType: AccessLogField.contextErrorResponseType(),
  xrayTraceId: AccessLogField.contextXrayTraceId(),
};

/**
 * Errors API Gateway answers itself, in the project's error shape (DESIGN.md, "Errors"), with the
 * status API Gateway gives each type by default, except an unknown path: 404, not 403.
 */
const GATEWAY_ERRORS: ReadonlyArray<{ type: ResponseType; status?: number; userMessage: string }> = [
  {
    type: ResponseType.BAD_REQUEST_BODY,
    status: 400,
    userMessage: 'The request body must be a JSON object.',
  },
  {
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    status: 400,
    userMessage: 'A required path parameter is missing.',
  },
  // The Cognito authorizer answers UNAUTHORIZED both for a bad token and for a token without any of
  // the method's scopes; the two cannot be told apart here.
  {
    type: ResponseType.UNAUTHORIZED,
    status: 401,
    userMessage: 'The access token is missing, not valid, expired, or lacks a scope this operation needs.',
  },
  {
    type: ResponseType.ACCESS_DENIED,
    status: 403,
    userMessage: 'The access token does not allow this operation.',
  },
  {
    type: ResponseType.INVALID_API_KEY,
    status: 403,
    userMessage: 'Send a valid API key in the x-api-key header.',
  },
  { type: ResponseType.WAF_FILTERED, status: 403, userMessage: 'The request was blocked.' },
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 404,
    userMessage: 'There is no such operation.',
  },
  { type: ResponseType.RESOURCE_NOT_FOUND, status: 404, userMessage: 'There is no such operation.' },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    userMessage: `The request is larger than 10 MB; send bills this large to the bulk route, ${BULK_ROUTE}.`,
  },
  {
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    status: 415,
    userMessage: 'Send the body as application/json.',
  },
  { type: ResponseType.THROTTLED, status: 429, userMessage: 'Too many requests: retry later.' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, userMessage: 'The API key has used its quota.' },
  { type: ResponseType.INTEGRATION_TIMEOUT, status: 504, userMessage: 'The operation took too long.' },
  { type: ResponseType.DEFAULT_4XX, userMessage: 'The request was not accepted.' },
  { type: ResponseType.DEFAULT_5XX, userMessage: 'The service failed to answer; retry later.' },
];

/** Properties of {@link Api}. */
export interface ApiProps {
  /** What each route invokes, by route id (the `live` alias of its function). */
  readonly targets: ReadonlyMap<string, IFunction>;
  /** The user pool whose access tokens the authorizer accepts. */
  readonly userPool: IUserPool;
  /** Key that encrypts the access, execution and WAF log groups. */
  readonly logEncryptionKey: IKey;
  /** API Gateway stage name (the first path segment of the invoke URL). */
  readonly stageName: string;
  /** Stage-wide throttle and the throttle of each API key (usage plan). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** WAF rate-based rule: requests per client IP in any 5-minute window. */
  readonly wafRateLimit: number;
  /**
   * The routes to build.
   *
   * @default ROUTES, the route table shared with the local adapter and the OpenAPI document
   */
  readonly routes?: readonly RouteDefinition[];
  /**
   * How long access, execution and WAF logs are kept.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Set the account's API Gateway CloudWatch role (an account-and-region singleton that execution
   * logging needs). The role is retained when the stack goes, because every API of the region uses it.
   *
   * @default true
   */
  readonly manageAccountLogging?: boolean;
}

/**
 * The public HTTPS API: a regional REST API built from the route table, a Cognito authorizer that
 * requires the route's scopes, API keys with a usage plan, request validation, the project's error
 * shape for API Gateway's own errors, access logs with request metadata only, execution logs
 * without data trace, X-Ray, and a WAF web ACL with a per-IP rate rule.
 */
export class Api extends Construct {
  /** The REST API. */
  public readonly restApi: RestApi;
  /** The Cognito authorizer of every non-public method. */
  public readonly authorizer: CognitoUserPoolsAuthorizer;
  /** The usage plan API keys are added to. */
  public readonly usagePlan: UsagePlan;
  /** The first API key; add one per customer with {@link addApiKey}. */
  public readonly apiKey: IApiKey;
  /** The WAF web ACL in front of the stage. */
  public readonly webAcl: CfnWebACL;
  /** Access log group (request metadata only). */
  public readonly accessLogGroup: LogGroup;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - targets, auth, limits
   */
  public constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const routes = props.routes ?? ROUTES;
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const manageAccountLogging = props.manageAccountLogging ?? true;

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logEncryptionKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'Resource', {
      description: "Workers' compensation medical bill review API",
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.HEADER,
      // gzip/deflate for answers of 1 KiB and more when the client accepts it; the local adapter
      // does the same (lambdas/handlers/shared/compression.ts).
      minCompressionSize: Size.bytes(MIN_COMPRESSION_BYTES),
      cloudWatchRole: manageAccountLogging,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Data trace would write request and response bodies (PHI) to the execution log.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });

    // API Gateway creates the execution log group on first use, unencrypted and kept forever;
    // creating it first (the name is fixed by API Gateway) gives it the key and a retention.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stageName}`,
      encryptionKey: props.logEncryptionKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: 'method.request.header.Authorization',
    });
    const validator = new RequestValidator(this, 'RequestValidator', {
      restApi: this.restApi,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jsonObject: Model = this.restApi.addModel('JsonObject', {
      contentType: 'application/json',
      description: 'Any JSON object; the handler validates the fields',
      schema: { schema: JsonSchemaVersion.DRAFT4, type: JsonSchemaType.OBJECT },
    });

    for (const route of routes) {
      const target = props.targets.get(route.id);
      if (target === undefined) throw new Error(`${this.node.path}: no function for route ${route.id}`);
      // Every route is a Lambda proxy (the Recon workflow's too, through its front function).
      const integration = new LambdaIntegration(target, { proxy: true, allowTestInvoke: false });
      const isPublic = route.scopes.length === 0;
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      const method = this.restApi.root.resourceForPath(route.path).addMethod(route.method, integration, {
        operationName: route.id,
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
        ...(route.method === 'POST' ? { requestModels: { 'application/json': jsonObject } } : {}),
        ...(isPublic
          ? { authorizationType: AuthorizationType.NONE, apiKeyRequired: false }
          : {
              authorizationType: AuthorizationType.COGNITO,
              authorizer: this.authorizer,
              authorizationScopes: [...route.scopes],
              apiKeyRequired: true,
            }),
      });
      if (isPublic) {
        const reason = `${route.method} ${route.path} is public by design (the route table gives it no scopes): it returns no data, only that the API answers (health) or how the API is described (the OpenAPI document a client reads before it has a token).`;
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
      }
    }

    for (const { type, status, userMessage } of GATEWAY_ERRORS) {
      const statusField = status === undefined ? '' : `"statusCode":${status},`;
      this.restApi.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        ...(status === undefined ? {} : { statusCode: String(status) }),
        templates: {
          'application/json': `{${statusField}"userMessage":${JSON.stringify(userMessage)},"developerMessage":$context.error.messageString,"errors":[],"requestId":"$context.requestId"}`,
        },
      });
    }

    this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
      description: 'Throttle of each API key',
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    this.apiKey = this.addApiKey('ApiKey');

    this.webAcl = this.createWebAcl(props.wafRateLimit, props.logEncryptionKey, retention);

    if (manageAccountLogging) {
      const role = this.restApi.node.tryFindChild('CloudWatchRole');
      if (role !== undefined) {
        Validations.of(role).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
          reason:
            'The API Gateway account role is one per account and region and serves every API there, so it cannot be scoped to this API; AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents and maintains for it.',
        });
      }
    }
    Validations.of(this.restApi.deploymentStage).acknowledge({
      id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      reason:
        "No response cache: every response is computed for one caller (and may carry PHI), so caching would store PHI in API Gateway and risk serving one caller another caller's answer.",
    });
    Validations.of(this.restApi.deploymentStage).acknowledge({
      id: 'HIPAA.Security-APIGWSSLEnabled',
      reason:
        'A client certificate authenticates API Gateway to HTTP backends; every integration here is a Lambda proxy invoked through IAM, so there is no backend to present it to. Clients reach the API over TLS only.',
    });
  }

  /**
   * Adds an API key (one per customer) to the usage plan. The key value is generated by API Gateway
   * and read from the console or CLI, never from the template.
   *
   * @param id - construct id of the key
   * @returns the key
   */
  public addApiKey(id: string): IApiKey {
    const key = this.restApi.addApiKey(id, { description: 'Key of an API customer' });
    this.usagePlan.addApiKey(key);
    return key;
  }

  private createWebAcl(rateLimit: number, logEncryptionKey: IKey, retention: RetentionDays): CfnWebACL {
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      // Sampled requests would keep headers (access tokens, API keys) visible in the console.
      sampledRequestsEnabled: false,
    });
    const managedGroup = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: metric(name),
    });
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Rate limit per client IP and AWS managed rules in front of the bill review API',
      visibilityConfig: metric('wcbr-api'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          visibilityConfig: metric('RateLimitPerIp'),
        },
        managedGroup('AWSManagedRulesAmazonIpReputationList', 1),
        // Not the common rule set: its SizeRestrictions_BODY rule blocks bodies over 8 KB (bills).
        managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });

    // WAF requires the log group name to start with aws-waf-logs-.
    const wafLogs = new LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`,
      encryptionKey: logEncryptionKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the log group ARN without the trailing ":*" of the GetAtt form.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'x-api-key' } },
        { queryString: {} },
      ],
      // Keep the requests WAF blocked or counted; allowed traffic is in the access log.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    return webAcl;
  }
}
