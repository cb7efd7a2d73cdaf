import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  GROUP_SCOPES,
  RESOURCE_SERVER_ID,
  SCOPE_DESCRIPTIONS,
  type Scope,
} from '../../lambdas/handlers/shared/routes.js';
import { NodeFunction } from './node-function.js';

/** Properties of {@link Auth}. */
export interface AuthProps {
  /**
   * Prefix of the Cognito domain that serves `/oauth2/token`; unique per region across AWS.
   */
  readonly domainPrefix: string;
  /** Key that encrypts the trigger function's log group. */
  readonly logEncryptionKey: IKey;
  /**
   * How long the trigger function's logs are kept.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Concurrent executions reserved for the pre-token-generation trigger (one per sign-in).
   *
   * @default 10
   */
  readonly triggerReservedConcurrency?: number;
  /**
   * What happens to the user pool when it leaves the stack. The pool holds every user and their
   * MFA enrolment; it cannot be recreated with the same ids.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Who may call the API. A Cognito user pool that requires TOTP MFA (no SMS) of the people who sign
 * in, with threat protection enforced; a resource server whose scopes the API methods require;
 * machine clients that use the OAuth2 client credentials grant; a public client for people (SRP);
 * one group per entry of GROUP_SCOPES, whose scopes the pre-token-generation trigger adds to the
 * access tokens of the group's members (docs/decisions/002-authorisation.md).
 */
export class Auth extends Construct {
  /** The user pool. */
  public readonly userPool: UserPool;
  /** The resource server whose scopes the API methods require. */
  public readonly resourceServer: UserPoolResourceServer;
  /** The first machine client (client credentials, all scopes); add more with {@link addMachineClient}. */
  public readonly machineClient: UserPoolClient;
  /** The client people sign in with (SRP, no secret). */
  public readonly peopleClient: UserPoolClient;
  /** The Cognito domain of the token endpoint. */
  public readonly domain: UserPoolDomain;
  /** The pre-token-generation trigger. */
  public readonly preTokenGeneration: NodeFunction;

  private readonly scopesByName: ReadonlyMap<string, OAuthScope>;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - domain prefix and logging
   */
  public constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.preTokenGeneration = new NodeFunction(this, 'PreTokenGeneration', {
      entry: 'lambdas/handlers/pre-token-generation/handler.ts',
      description: 'Adds the scopes of the user groups to access tokens',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logEncryptionKey: props.logEncryptionKey,
      reservedConcurrency: props.triggerReservedConcurrency ?? 10,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
    });

    this.userPool = new UserPool(this, 'Resource', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 12,
        tempPasswordValidity: Duration.days(3),
      },
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.function,
      LambdaVersion.V2_0,
    );

    const scopes = SCOPE_DESCRIPTIONS.map(
      ({ name, description }) => new ResourceServerScope({ scopeName: name, scopeDescription: description }),
    );
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'Workers compensation bill review API',
      scopes,
    });
    this.scopesByName = new Map(
      scopes.map((s) => [
        `${RESOURCE_SERVER_ID}/${s.scopeName}`,
        OAuthScope.resourceServer(this.resourceServer, s),
      ]),
    );

    for (const [groupName, groupScopes] of Object.entries(GROUP_SCOPES)) {
      this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        description: `Scopes: ${groupScopes.join(' ')}`,
      });
    }

    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    this.machineClient = this.addMachineClient('MachineClient');
    this.peopleClient = this.userPool.addClient('PeopleClient', {
      generateSecret: false,
      // SRP for the SDK and CLI; USER_PASSWORD_AUTH for the KPI page (issue 19), whose script signs
      // in with plain fetch calls to the user-pool API: the password goes over TLS to Cognito only
      // (never to our API), TOTP MFA is still required, and SRP would put a big-integer library in a
      // page that must stay self-contained.
      authFlows: { userSrp: true, userPassword: true },
      // People sign in with SRP + TOTP through the SDK or CLI, or on the KPI page; no hosted UI, no redirect URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  /** URL of the OAuth2 token endpoint (client credentials grant). */
  public get tokenEndpoint(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }

  /**
   * Adds a confidential client for a machine caller: client credentials grant, a generated secret,
   * and the given resource server scopes.
   *
   * @param id - construct id of the client
   * @param scopes - full scope names the client may request
   * @returns the client
   */
  public addMachineClient(id: string, scopes: readonly Scope[] = [...this.scopesByName.keys()] as Scope[]) {
    const oAuthScopes = scopes.map((name) => {
      const scope = this.scopesByName.get(name);
      if (scope === undefined) throw new Error(`${this.node.path}: unknown scope ${name}`);
      return scope;
    });
    return this.userPool.addClient(id, {
      generateSecret: true,
      // No user sign-in through a machine client: refresh tokens only (which client credentials never get).
      authFlows: { userSrp: false },
      oAuth: { flows: { clientCredentials: true }, scopes: oAuthScopes },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
    });
  }
}
