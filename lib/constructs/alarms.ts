import { Duration } from 'aws-cdk-lib';
import type { IRestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** When the alarms fire: `stages.<name>.alarms` in cdk.json. */
export interface AlarmThresholds {
  /** Percent of API requests answered 5xx in one period. */
  readonly api5xxRatePercent: number;
  /** API Gateway's p99 latency in one period, in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /** Throttled invocations of one function in one period. */
  readonly throttles: number;
  /** Length of one period, in minutes. */
  readonly periodMinutes: number;
  /** Periods in a row over the threshold before an alarm fires. */
  readonly evaluationPeriods: number;
  /**
   * An address that gets the alarms by email (it must confirm the subscription).
   *
   * @default - none: subscribe to the topic yourself
   */
  readonly email?: string;
}

/** Defaults of `stages.<name>.alarms`: what the README's operations section assumes. */
export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  api5xxRatePercent: 1,
  apiLatencyP99Ms: 3000,
  throttles: 1,
  periodMinutes: 5,
  evaluationPeriods: 2,
};

/** Properties of {@link OperationalAlarms}. */
export interface OperationalAlarmsProps {
  /** The API: its 5xx rate and p99 latency. */
  readonly restApi: IRestApi;
  /** The API's stage name (API Gateway's metrics carry it as a dimension). */
  readonly stageName: string;
  /** Every function of the stack: one throttle alarm each, by construct id. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The SmartBill renderer's dead-letter queue: a page that could not be rendered. */
  readonly rendererDeadLetterQueue: IQueue;
  /**
   * The Recon state machine: its failed and timed-out executions.
   *
   * @default - no workflow alarm
   */
  readonly reconStateMachine?: IStateMachine;
  /**
   * The bulk repricing state machine (issue 17): its failed, timed-out and aborted executions. A
   * batch that fails is marked `failed` on its record and ends in a Fail state, so the execution's
   * failure is the batch's.
   *
   * @default - no batch alarm
   */
  readonly batchStateMachine?: IStateMachine;
  /** The data release workflow (issue 20): a failed release is one whose canary rolled back, or that never published. */
  readonly releaseStateMachine?: IStateMachine;
  readonly thresholds: AlarmThresholds;
}

/**
 * The alarms an operator needs (issue 15, item 8), to one SNS topic encrypted with its own
 * customer-managed key: API 5xx rate, API p99 latency, the renderer's dead-letter queue, failed
 * Recon executions and throttles of each function. The README's operations section says what each
 * one means and what to do. Missing data is not breaching: a quiet API is not an incident.
 */
export class OperationalAlarms extends Construct {
  /** The topic every alarm notifies (and notifies again when it is OK). */
  public readonly topic: Topic;
  /** The topic's key. */
  public readonly key: Key;
  /** Every alarm, by its construct id. */
  public readonly alarms: ReadonlyMap<string, Alarm>;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - what to watch and when to fire
   */
  public constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const { thresholds } = props;
    const period = Duration.minutes(thresholds.periodMinutes);
    this.key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the operational alarm topic',
    });
    // CloudWatch publishes to an encrypted topic only when the key lets it (the AWS-managed SNS
    // key does not, which is why the topic has a key of its own).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    if (thresholds.email !== undefined) this.topic.addSubscription(new EmailSubscription(thresholds.email));

    const alarms = new Map<string, Alarm>();
    const add = (alarmId: string, alarm: Alarm) => {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
      alarms.set(alarmId, alarm);
    };
    const apiDimensions = { ApiName: props.restApi.restApiName, Stage: props.stageName };
    const apiMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: apiDimensions,
        statistic,
        period,
      });

    add(
      'Api5xxRate',
      new Alarm(this, 'Api5xxRate', {
        alarmDescription:
          'Share of API requests answered 5xx is over the threshold: a function, the workflow or a dependency fails. See README, Operations.',
        metric: new MathExpression({
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: { errors: apiMetric('5XXError', 'Sum'), requests: apiMetric('Count', 'Sum') },
          period,
          label: 'API 5xx rate (%)',
        }),
        threshold: thresholds.api5xxRatePercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: thresholds.evaluationPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      'ApiLatencyP99',
      new Alarm(this, 'ApiLatencyP99', {
        alarmDescription:
          "API Gateway's p99 latency is over the threshold: cold starts, a slow dependency or too little memory. See README, Operations.",
        metric: apiMetric('Latency', 'p99'),
        threshold: thresholds.apiLatencyP99Ms,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: thresholds.evaluationPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      'RendererDeadLetters',
      new Alarm(this, 'RendererDeadLetters', {
        alarmDescription:
          'A SmartBill page could not be rendered after Lambda retried it: its link answers 404 until it is rendered again. See README, Operations.',
        metric: props.rendererDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period,
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    /**
     * A workflow's executions that failed or timed out (and, for a STANDARD machine that can be
     * stopped, were aborted): any one fires the alarm.
     */
    const executionsFailed = (
      alarmId: string,
      machine: IStateMachine,
      alarmDescription: string,
      label: string,
      withAborted: boolean,
    ) =>
      add(
        alarmId,
        new Alarm(this, alarmId, {
          alarmDescription,
          metric: new MathExpression({
            expression: withAborted ? 'failed + timedOut + aborted' : 'failed + timedOut',
            usingMetrics: {
              failed: machine.metricFailed({ statistic: 'Sum', period }),
              timedOut: machine.metricTimedOut({ statistic: 'Sum', period }),
              ...(withAborted ? { aborted: machine.metricAborted({ statistic: 'Sum', period }) } : {}),
            },
            period,
            label,
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    if (props.reconStateMachine !== undefined)
      executionsFailed(
        'ReconExecutionsFailed',
        props.reconStateMachine,
        'Recon workflow executions failed or timed out: the client got a 500 and nothing was stored. See README, Operations.',
        'Recon executions failed or timed out',
        false,
      );
    if (props.batchStateMachine !== undefined)
      executionsFailed(
        'BatchExecutionsFailed',
        props.batchStateMachine,
        'A bulk repricing run failed, timed out or was aborted: its batch reads failed and its results were not written. See README, Operations.',
        'Batch executions failed, timed out or aborted',
        true,
      );
    if (props.releaseStateMachine !== undefined)
      executionsFailed(
        'ReleaseExecutionsFailed',
        props.releaseStateMachine,
        'A data release failed, timed out or was aborted: a build or full-size check failed (nothing published), or a canary rolled a function back. See README, Operations, Data releases.',
        'Data release executions failed, timed out or aborted',
        true,
      );
    for (const [functionId, fn] of props.functions) {
      add(
        `Throttles${functionId}`,
        new Alarm(this, `Throttles${functionId}`, {
          alarmDescription: `Invocations of ${functionId} were throttled: its reserved concurrency is used up. See README, Operations.`,
          metric: fn.metricThrottles({ statistic: 'Sum', period }),
          threshold: thresholds.throttles,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: thresholds.evaluationPeriods,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.alarms = alarms;
  }
}
