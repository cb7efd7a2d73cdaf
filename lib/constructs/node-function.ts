import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Duration, RemovalPolicy, type Size, Validations } from 'aws-cdk-lib';
import { type IGrantable, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WCBR_MODE_ENV } from '../../lambdas/handlers/shared/runtime-mode.js';
import { REPO_ROOT } from '../repo-root.js';
import { ManagedPolicyRole } from './managed-policy-role.js';

/**
 * Packages left out of every function bundle: the Node.js 22 runtime provides AWS SDK v3; DuckDB
 * (a native module) serves the local stack's analytics queries only, whose adapters load when
 * ANALYTICS_DIR is set, which a function in AWS mode refuses at start-up: it is never required in
 * Lambda. The bundle tests and the bench build with the same list.
 */
export const LAMBDA_EXTERNAL_MODULES = ['@aws-sdk/*', '@duckdb/node-api'] as const;

/**
 * ESM bundles have no `require`; a few CommonJS dependencies still call it for Node built-ins.
 * esbuild's own shim looks for a global `require`, so the banner provides one (the bench's bundle
 * takes it too, so it measures what is deployed).
 */
export const REQUIRE_BANNER =
  "import { createRequire as __wcbrCreateRequire } from 'node:module'; const require = __wcbrCreateRequire(import.meta.url);";

/**
 * Bundled ahead of every handler (esbuild `inject`): it validates the runtime mode at start-up, so
 * a function without `WCBR_MODE=aws`, or with a local-only fallback configured, fails its init.
 */
export const LAMBDA_START_MODULE = 'lambdas/handlers/shared/lambda-start.ts';

/** The mode every deployed function runs in (lambdas/handlers/shared/runtime-mode.ts). */
export const LAMBDA_MODE_ENVIRONMENT: Readonly<Record<string, string>> = { [WCBR_MODE_ENV]: 'aws' };

/** The Lambda runtime of every function of the project (see the `AwsSolutions-L1` acknowledgement). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/** The esbuild target of every bundle: the language level of {@link LAMBDA_RUNTIME}, kept in step with it. */
export const BUNDLE_TARGET = 'node22';

/** Properties of {@link NodeFunction}. */
export interface NodeFunctionProps {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** Key that encrypts the function's log group. */
  readonly logEncryptionKey: IKey;
  /**
   * What the function does, for the console and the audit trail.
   *
   * @default - none
   */
  readonly description?: string;
  /**
   * Memory in MB; CPU is allocated in proportion.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Longest run of one invocation.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables, added to `NODE_OPTIONS=--enable-source-maps` and `WCBR_MODE=aws`
   * (which they cannot replace).
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Layers to mount under /opt.
   *
   * @default - none
   */
  readonly layers?: readonly ILayerVersion[];
  /**
   * Concurrent executions reserved for (and capped to) this function.
   *
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * How long the function's logs are kept.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Where asynchronous invocations that still fail after Lambda's retries go. Give one to a
   * function that is invoked asynchronously; without one it must be invoked synchronously only.
   *
   * @default - none (synchronous invocation only)
   */
  readonly deadLetterQueue?: IQueue;
  /**
   * Size of /tmp (the release Build step holds the official files, the index and its archive).
   *
   * @default - Lambda's 512 MiB
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * Files copied beside the bundle (a directory relative to the repository root, and the file
   * extension to copy): code that reads data files next to its own module (fee-data's jurisdiction
   * registry) finds them there.
   *
   * @default - none
   */
  readonly bundleFiles?: { readonly dir: string; readonly extension: string };
}

/**
 * One Node.js Lambda function as the project runs them: bundled by the local esbuild into a
 * minified ESM file with a source map, arm64, Node.js 22, X-Ray tracing, its own KMS-encrypted log
 * group with a retention, and a role that holds only what is granted to it (in a customer-managed
 * policy, see {@link ManagedPolicyRole}).
 */
export class NodeFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its execution role; grant through `function` or `role`. */
  public readonly role: ManagedPolicyRole;
  /** Its log group. */
  public readonly logGroup: LogGroup;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - function settings
   */
  public constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) {
      throw new Error(`${this.node.path}: handler entry ${relative(REPO_ROOT, entry)} does not exist`);
    }

    this.logGroup = new LogGroup(this, 'LogGroup', {
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new ManagedPolicyRole(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    // Instead of AWSLambdaBasicExecutionRole (any log group): this function's log group only.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Resource', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
      ...(props.description === undefined ? {} : { description: props.description }),
      layers: [...(props.layers ?? [])],
      // The mode last, so that no caller's environment can switch a deployed function to `local`.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment, ...LAMBDA_MODE_ENVIRONMENT },
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
      ...(props.ephemeralStorageSize === undefined
        ? {}
        : { ephemeralStorageSize: props.ephemeralStorageSize }),
      bundling: {
        ...(props.bundleFiles === undefined ? {} : { commandHooks: copyBeside(props.bundleFiles) }),
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Stack traces map to file:line without shipping the sources themselves.
        sourcesContent: false,
        banner: REQUIRE_BANNER,
        inject: [join(REPO_ROOT, LAMBDA_START_MODULE)],
        externalModules: [...LAMBDA_EXTERNAL_MODULES],
        logLevel: LogLevel.WARNING,
      },
    });

    const acknowledge = Validations.of(this.function);
    acknowledge.acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the pinned runtime of the project (shared/ENVIRONMENT.md): the code must stay runnable on the Node 20/22 machines that run it locally; moving to nodejs24.x is a deliberate, tested change.',
    });
    if (props.deadLetterQueue === undefined) {
      acknowledge.acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked synchronously only (API Gateway, Cognito trigger); the caller receives the error, and a dead-letter queue applies to asynchronous invocations only.',
      });
    }
    acknowledge.acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The function reaches no private network resource: it reads its layer under /opt and, where it stores data, AWS APIs authorised by IAM and encrypted with KMS. A VPC would add ENIs and NAT without isolating anything.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by Tracing.ACTIVE) do not support resource-level permissions; every other statement names its resource.',
    });
  }

  /**
   * Lets the grantee invoke the function (any version or alias).
   *
   * @param grantee - who may invoke
   * @returns the grant
   */
  public grantInvoke(grantee: IGrantable) {
    return this.function.grantInvoke(grantee);
  }
}

/**
 * esbuild's command hooks that copy a directory's files of one extension beside the bundle.
 *
 * @param files - the directory (relative to the repository root) and the extension
 * @returns the hooks
 */
function copyBeside(files: { readonly dir: string; readonly extension: string }) {
  if (!/^[\w./-]+$/.test(files.dir) || !/^\.\w+$/.test(files.extension)) {
    throw new Error(`bundleFiles: ${files.dir} *${files.extension} is not a plain path and extension`);
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      `cp ${inputDir}/${files.dir}/*${files.extension} ${outputDir}/`,
    ],
  };
}
