import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Alias, type IFunction, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  FEE_INDEX_PATH_ENV,
  LAMBDA_FEE_INDEX_PATH,
  type RouteDefinition,
} from '../../lambdas/handlers/shared/routes.js';
import { NodeFunction } from './node-function.js';

/** Name of the alias API Gateway invokes. */
export const LIVE_ALIAS = 'live';

/** Properties of {@link PricingFunction}. */
export interface PricingFunctionProps {
  /** The route this function serves (entry, fee index use, summary). */
  readonly route: RouteDefinition;
  /** Key that encrypts the function's log group. */
  readonly logEncryptionKey: IKey;
  /**
   * The fee index layer; required when `route.usesFeeIndex`.
   *
   * @default - none
   */
  readonly feeIndexLayer?: ILayerVersion;
  /**
   * Memory in MB.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Provisioned concurrency of the `live` alias; 0 means none (cold starts allowed).
   *
   * @default 0
   */
  readonly provisionedConcurrency?: number;
  /**
   * Concurrent executions reserved for (and capped to) the function.
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
}

/**
 * The Lambda function behind one route of the route table, published as a version on every change
 * and invoked through the `live` alias, which carries the provisioned concurrency of hot routes.
 * Routes that read the fee index get the layer and `FEE_INDEX_PATH=/opt/fee-index/fee-index.bin`.
 */
export class PricingFunction extends Construct {
  /** The function (unqualified). */
  public readonly function: NodejsFunction;
  /** The `live` alias: what API Gateway invokes. */
  public readonly alias: Alias;
  /** The route served. */
  public readonly route: RouteDefinition;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - route and sizing
   */
  public constructor(scope: Construct, id: string, props: PricingFunctionProps) {
    super(scope, id);
    const { route } = props;
    if (route.usesFeeIndex && props.feeIndexLayer === undefined) {
      throw new Error(
        `${this.node.path}: route ${route.id} reads the fee index but no feeIndexLayer was given`,
      );
    }
    const provisioned = props.provisionedConcurrency ?? 0;
    if (!Number.isInteger(provisioned) || provisioned < 0) {
      throw new Error(`${this.node.path}: provisionedConcurrency must be a non-negative integer`);
    }

    const fn = new NodeFunction(this, 'Resource', {
      entry: route.entry,
      description: `${route.method} ${route.path}: ${route.summary}`,
      logEncryptionKey: props.logEncryptionKey,
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(route.usesFeeIndex && props.feeIndexLayer !== undefined
        ? { layers: [props.feeIndexLayer], environment: { [FEE_INDEX_PATH_ENV]: LAMBDA_FEE_INDEX_PATH } }
        : {}),
    });
    this.function = fn.function;
    this.route = route;
    this.alias = new Alias(this, 'LiveAlias', {
      aliasName: LIVE_ALIAS,
      version: this.function.currentVersion,
      description: `What API Gateway invokes for ${route.id}`,
      ...(provisioned > 0 ? { provisionedConcurrentExecutions: provisioned } : {}),
    });
  }

  /** What an integration should invoke: the `live` alias. */
  public get invokeTarget(): IFunction {
    return this.alias;
  }

  /**
   * Lets the grantee invoke the `live` alias.
   *
   * @param grantee - who may invoke
   * @returns the grant
   */
  public grantInvoke(grantee: IGrantable) {
    return this.alias.grantInvoke(grantee);
  }
}
