/**
 * The operational alarms of each API stack (issue 15, item 8): API 5xx rate, API p99 latency, the
 * SmartBill renderer's dead-letter queue, failed Recon executions and throttles of every function,
 * to an SNS topic under a customer-managed key, with the thresholds of the stage's `alarms` config.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib/constructs/alarms.js';
import { AlarmConfigError, parseAlarmThresholds } from '../../lib/stages/alarm-config.js';
import { regionStacks, type SynthesizedApp, synthApp } from './app-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Thresholds unlike the defaults, so the test sees they come from the stage config. */
const ALARMS = {
  api5xxRatePercent: 2.5,
  apiLatencyP99Ms: 2500,
  throttles: 3,
  periodMinutes: 1,
  evaluationPeriods: 4,
  email: 'oncall@example.com',
};

let synthesized: SynthesizedApp;
let template: Template;

beforeAll(() => {
  synthesized = synthApp({ stage: { alarms: ALARMS } });
  template = Template.fromStack(regionStacks(synthesized, 0).api);
});

afterAll(() => synthesized?.cleanup());

function alarms(): Resource[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
}

/** The alarms whose metric (or one metric of its expression) has this name. */
function alarmsOn(metricName: string): Resource[] {
  return alarms().filter((alarm) =>
    JSON.stringify(alarm.Properties).includes(`"MetricName":"${metricName}"`),
  );
}

function topicId(): string {
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0] as string;
}

describe('operational alarms', () => {
  it('send every alarm and its recovery to one SNS topic encrypted with its own key, which CloudWatch may use', () => {
    const topic = topicId();
    const [, topicResource] = Object.entries(template.findResources('AWS::SNS::Topic'))[0] as [
      string,
      Resource,
    ];
    const keyRef = (topicResource.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
    expect(keyRef?.[1]).toBe('Arn');
    const key = template.findResources('AWS::KMS::Key')[keyRef?.[0] as string] as Resource;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: ALARMS.email,
      TopicArn: { Ref: topic },
    });
    expect(alarms().length).toBeGreaterThanOrEqual(5);
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  it('fire on the API 5xx rate over the configured percent', () => {
    const [alarm] = alarmsOn('5XXError');
    expect(alarm).toBeDefined();
    expect(alarm?.Properties).toMatchObject({
      Threshold: ALARMS.api5xxRatePercent,
      EvaluationPeriods: ALARMS.evaluationPeriods,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const metrics = alarm?.Properties.Metrics as { Expression?: string; MetricStat?: unknown }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    expect(JSON.stringify(metrics)).toContain('"MetricName":"Count"');
    expect(JSON.stringify(metrics)).toContain('"Period":60');
  });

  it("fire on API Gateway's p99 latency over the configured milliseconds", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: ALARMS.apiLatencyP99Ms,
      EvaluationPeriods: ALARMS.evaluationPeriods,
      Period: 60,
      Dimensions: Match.arrayWith([{ Name: 'Stage', Value: synthesized.config.name }]),
    });
  });

  it("fire as soon as the SmartBill renderer's dead-letter queue holds a message", () => {
    const [alarm] = alarmsOn('ApproximateNumberOfMessagesVisible');
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
    const queueRef = JSON.stringify(alarm?.Properties.Dimensions);
    const dlq = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => queueRef.includes(id));
    expect(dlq).toHaveLength(1);
  });

  it('fire on any failed or timed-out Recon execution', () => {
    const recon = alarmsOn('ExecutionsFailed').filter(
      (a) => !JSON.stringify(a.Properties).includes('"MetricName":"ExecutionsAborted"'),
    );
    expect(recon).toHaveLength(1);
    const [alarm] = recon;
    expect(alarm?.Properties).toMatchObject({ Threshold: 0, EvaluationPeriods: 1 });
    const text = JSON.stringify(alarm?.Properties.Metrics);
    expect(text).toContain('"MetricName":"ExecutionsTimedOut"');
    // The Recon machine (EXPRESS); bulk repricing's STANDARD machine has its own alarm (below).
    const machine = Object.keys(
      template.findResources('AWS::StepFunctions::StateMachine', {
        Properties: { StateMachineType: 'EXPRESS' },
      }),
    );
    expect(machine).toHaveLength(1);
    expect(text).toContain(machine[0]);
  });

  // The batch machine and the data release machine (issue 20) are both STANDARD: each has its alarm.
  it.each([
    ['bulk repricing run', 'wcbr-dev-batches'],
    ['data release', 'wcbr-dev-data-release'],
  ])('fire on any failed, timed-out or aborted %s', (_what, name) => {
    const machine = Object.keys(
      template.findResources('AWS::StepFunctions::StateMachine', {
        Properties: { StateMachineType: 'STANDARD', StateMachineName: name },
      }),
    );
    expect(machine).toHaveLength(1);
    const alarms = alarmsOn('ExecutionsAborted').filter((a) =>
      JSON.stringify(a.Properties.Metrics).includes(machine[0] as string),
    );
    expect(alarms).toHaveLength(1);
    const [alarm] = alarms;
    expect(alarm?.Properties).toMatchObject({ Threshold: 0, EvaluationPeriods: 1 });
    const text = JSON.stringify(alarm?.Properties.Metrics);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut'])
      expect(text).toContain(`"MetricName":"${metric}"`);
  });

  it('fire on throttles of every function of the stack, one alarm each', () => {
    const throttles = alarmsOn('Throttles');
    const expected =
      ROUTES.filter((r) => r.workflow === undefined).length +
      ROUTES.flatMap((r) => r.workflow?.tasks ?? []).length +
      ROUTES.filter((r) => r.workflow !== undefined).length + // each workflow's front function (issue 17)
      1 + // the SmartBill renderer
      3 + // the bulk repricing steps (split, chunk, assemble)
      1 + // the analytics peers builder (issue 19)
      3 + // the data release steps (build, check, record; issue 20)
      2; // the stateful stack's Cognito trigger and SmartBill unlock endpoint
    expect(throttles).toHaveLength(expected);
    const watched = new Set(throttles.map((a) => JSON.stringify(a.Properties.Dimensions)));
    expect(watched.size).toBe(expected);
    for (const alarm of throttles) {
      expect(alarm.Properties).toMatchObject({
        Threshold: ALARMS.throttles,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });
});

describe('metrics', () => {
  it("name the stage in every function's Powertools service, so two stages in one account stay apart", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    const ours = functions.filter((fn) => fn.Properties.Runtime === 'nodejs22.x');
    const statefulFns = Object.values(
      Template.fromStack(regionStacks(synthesized, 0).stateful).findResources('AWS::Lambda::Function'),
    ) as Resource[];
    const statefulOurs = statefulFns.filter((fn) => fn.Properties.Runtime === 'nodejs22.x');
    expect(statefulOurs).toHaveLength(2);
    expect(ours.length + statefulOurs.length).toBe(alarmsOn('Throttles').length);
    for (const fn of [...ours, ...statefulOurs]) {
      expect(fn.Properties.Environment).toMatchObject({
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'wc-bill-review-dev',
          POWERTOOLS_METRICS_NAMESPACE: 'WcBillReview',
        },
      });
    }
  });
});

describe('stages.<name>.alarms', () => {
  it('defaults every threshold when the stage has none', () => {
    expect(parseAlarmThresholds('dev', undefined)).toEqual(DEFAULT_ALARM_THRESHOLDS);
    expect(parseAlarmThresholds('dev', { throttles: 5 })).toEqual({
      ...DEFAULT_ALARM_THRESHOLDS,
      throttles: 5,
    });
  });

  it.each([
    [{ api5xxRatePercent: 101 }, 'api5xxRatePercent'],
    [{ apiLatencyP99Ms: 30_000 }, 'apiLatencyP99Ms'],
    [{ periodMinutes: 2.5 }, 'periodMinutes'],
    [{ evaluationPeriods: 0 }, 'evaluationPeriods'],
    [{ email: 'not an address' }, 'email'],
    ['often', 'alarms must be an object'],
  ])('refuses %j, naming the field', (raw, field) => {
    expect(() => parseAlarmThresholds('dev', raw)).toThrow(AlarmConfigError);
    expect(() => parseAlarmThresholds('dev', raw)).toThrow(field);
  });
});
