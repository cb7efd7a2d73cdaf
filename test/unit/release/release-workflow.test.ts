/**
 * The release workflow's ASL (lambdas/workflows/release.asl.json) run by aws-local-stepfunctions,
 * every Task answered by a mock as the Recon workflow's tests do: the success path records the
 * release; a failed check stops before PublishLayerVersion; a canary that CodeDeploy rolled back
 * fails the execution and records nothing; rollback mode skips the build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/local/paths.js';

// aws-local-stepfunctions uses Promise.withResolvers (Node 22); the local tools also run on Node 20.
import '../../../lambdas/local/recon-workflow.js';

interface Target {
  readonly functionName: string;
  readonly application: string;
  readonly deploymentGroup: string;
}

const TARGETS: readonly Target[] = [
  { functionName: 'price-bill', application: 'app', deploymentGroup: 'price-bill-live' },
  { functionName: 'health', application: 'app', deploymentGroup: 'health-live' },
  { functionName: 'batch-chunk', application: '', deploymentGroup: '' },
];

const LAYER = 'arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:7';

/** The definition as CDK deploys it, its substitutions filled in as the construct fills them. */
function definition(targets: readonly Target[] = TARGETS): unknown {
  const substitutions: Record<string, string> = {
    BuildFunctionArn: 'build',
    CheckFunctionArn: 'check',
    RecordFunctionArn: 'record',
    LayerName: 'wcbr-dev-fee-index',
    DataBucketName: 'wcbr-dev-data-111122223333-us-east-1',
    Runtime: 'nodejs22.x',
    LiveAlias: 'live',
    LayerParameterName: '/wcbr/dev/data-release/layer',
    FunctionsBase64: Buffer.from(JSON.stringify(targets)).toString('base64'),
  };
  const text = readFileSync(join(REPO_ROOT, 'lambdas/workflows/release.asl.json'), 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_, name: string) => {
      const value = substitutions[name];
      if (value === undefined) throw new Error(`no substitution for ${name}`);
      return value;
    },
  );
  return JSON.parse(text);
}

type Handler = (input: Record<string, unknown>) => Promise<unknown>;

interface Run {
  readonly calls: string[];
  readonly inputs: Record<string, Record<string, unknown>[]>;
  readonly result: Promise<unknown>;
}

const RELEASE = {
  id: 'r0123456789ab',
  builtAt: '2026-12-07T17:00:00.000Z',
  builtFrom: 'official',
  supplied: [],
};

/** Mocks of every Task: the happy path unless a test replaces one. */
function mocks(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  const deployments = new Map<string, number>();
  const base: Record<string, Handler> = {
    Build: async () => ({
      Payload: {
        release: RELEASE,
        indexKey: 'releases/r0123456789ab/fee-index.bin',
        layerZipKey: 'releases/r0123456789ab/layer.zip',
      },
    }),
    Check: async () => ({ Payload: { checks: [{ name: 'checksum', ok: true, detail: 'ok' }] } }),
    PublishLayerVersion: async () => ({ LayerVersionArn: LAYER }),
    UpdateLayers: async () => ({}),
    GetUpdateStatus: async () => ({ LastUpdateStatus: 'Successful' }),
    PublishVersion: async () => ({ Version: '8' }),
    GetLiveAlias: async () => ({ FunctionVersion: '7' }),
    CreateDeployment: async (input) => {
      const id = `d-${String(input.DeploymentGroupName)}`;
      deployments.set(id, 0);
      return { DeploymentId: id };
    },
    GetDeployment: async (input) => {
      const id = String(input.DeploymentId);
      const polls = (deployments.get(id) ?? 0) + 1;
      deployments.set(id, polls);
      return { DeploymentInfo: { Status: polls < 2 ? 'InProgress' : 'Succeeded' } };
    },
    Record: async (input) => ({ Payload: { current: (input.Payload as { release: unknown }).release } }),
    RecordLayerParameter: async () => ({ Version: 2 }),
  };
  return { ...base, ...overrides };
}

function run(input: unknown, handlers: Record<string, Handler>, targets?: readonly Target[]): Run {
  const calls: string[] = [];
  const inputs: Record<string, Record<string, unknown>[]> = {};
  const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [state, handler] of Object.entries(handlers)) {
    wrapped[state] = async (value) => {
      calls.push(state);
      const seen = inputs[state] ?? [];
      seen.push(value as Record<string, unknown>);
      inputs[state] = seen;
      return handler(value as Record<string, unknown>);
    };
  }
  const machine = new StateMachine(definition(targets) as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: wrapped as never,
      waitTimeOverrides: { WaitForUpdate: 0, WaitForDeployment: 0 },
    },
  });
  return { calls, inputs, result: execution.result };
}

describe('release workflow (ASL on aws-local-stepfunctions)', () => {
  it('builds, checks, publishes the layer, moves every function and records the release', async () => {
    const { calls, inputs, result } = run({}, mocks());
    await result;
    expect(calls.slice(0, 3)).toEqual(['Build', 'Check', 'PublishLayerVersion']);
    // Each function gets the release's layer, the aliased ones a version and a canary deployment.
    expect(inputs.UpdateLayers?.map((i) => [i.FunctionName, i.Layers])).toEqual(
      TARGETS.map((t) => [t.functionName, [LAYER]]),
    );
    expect(inputs.CreateDeployment?.map((i) => i.DeploymentGroupName)).toEqual([
      'price-bill-live',
      'health-live',
    ]);
    const revision = inputs.CreateDeployment?.[0]?.Revision as { AppSpecContent: { Content: string } };
    const appSpec = JSON.parse(revision.AppSpecContent.Content);
    expect(appSpec.Resources[0].live.Properties).toEqual({
      Name: 'price-bill',
      Alias: 'live',
      CurrentVersion: '7',
      TargetVersion: '8',
    });
    // The deployment is polled until it succeeds, and only then is the release recorded.
    expect(calls.filter((c) => c === 'GetDeployment').length).toBe(4);
    expect(calls.slice(-2)).toEqual(['Record', 'RecordLayerParameter']);
    expect(inputs.Record?.[0]?.Payload).toMatchObject({
      mode: 'publish',
      release: { id: RELEASE.id, layerVersionArn: LAYER },
    });
    expect(inputs.RecordLayerParameter?.[0]).toMatchObject({
      Name: '/wcbr/dev/data-release/layer',
      Value: LAYER,
    });
    // The layer is published from the zip Build wrote, in the stage's data bucket.
    expect(inputs.PublishLayerVersion?.[0]?.Content).toEqual({
      S3Bucket: 'wcbr-dev-data-111122223333-us-east-1',
      S3Key: 'releases/r0123456789ab/layer.zip',
    });
  });

  it('waits while Lambda is still applying the layer', async () => {
    let polls = 0;
    const { calls, result } = run(
      {},
      mocks({
        GetUpdateStatus: async () => {
          polls += 1;
          return { LastUpdateStatus: polls === 1 ? 'InProgress' : 'Successful' };
        },
      }),
    );
    await result;
    expect(calls.filter((c) => c === 'GetUpdateStatus').length).toBe(TARGETS.length + 1);
  });

  it('stops at a failed check: no layer is published, no function moves, nothing is recorded', async () => {
    const failure = Object.assign(new Error('datasets: pfs-rvu dropped from 19093 to 100 rows'), {
      name: 'ReleaseCheckFailedError',
    });
    const { calls, result } = run(
      {},
      mocks({
        Check: async () => {
          throw failure;
        },
      }),
    );
    await expect(result).rejects.toThrow(/pfs-rvu dropped/);
    expect(calls).toEqual(['Build', 'Check']);
  });

  it('fails when CodeDeploy rolled the canary back, before the next function and without recording', async () => {
    const { calls, result } = run(
      {},
      mocks({ GetDeployment: async () => ({ DeploymentInfo: { Status: 'Stopped' } }) }),
    );
    await expect(result).rejects.toThrow(/CanaryRolledBack|canary/i);
    expect(calls.filter((c) => c === 'CreateDeployment').length).toBe(1);
    expect(calls).not.toContain('Record');
    expect(calls).not.toContain('RecordLayerParameter');
  });

  it('fails on a failed deployment as on a stopped one', async () => {
    const { calls, result } = run(
      {},
      mocks({ GetDeployment: async () => ({ DeploymentInfo: { Status: 'Failed' } }) }),
    );
    await expect(result).rejects.toThrow();
    expect(calls).not.toContain('Record');
  });

  it('fails when Lambda cannot apply the layer, before any deployment', async () => {
    const { calls, result } = run(
      {},
      mocks({ GetUpdateStatus: async () => ({ LastUpdateStatus: 'Failed' }) }),
    );
    await expect(result).rejects.toThrow();
    expect(calls).not.toContain('CreateDeployment');
    expect(calls).not.toContain('Record');
  });

  it('in rollback mode skips the build, the checks and the publication and moves to the given layer', async () => {
    const previous = {
      id: 'rfedcba987654',
      builtAt: '2026-11-01T00:00:00.000Z',
      layerVersionArn: 'arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:6',
    };
    const { calls, inputs, result } = run({ mode: 'rollback', release: previous }, mocks());
    await result;
    expect(calls).not.toContain('Build');
    expect(calls).not.toContain('Check');
    expect(calls).not.toContain('PublishLayerVersion');
    expect(
      inputs.UpdateLayers?.every(
        (i) => JSON.stringify(i.Layers) === JSON.stringify([previous.layerVersionArn]),
      ),
    ).toBe(true);
    expect(inputs.Record?.[0]?.Payload).toMatchObject({ mode: 'rollback', release: previous });
  });

  it('skips the canary when the live alias already runs the published version', async () => {
    const { calls, result } = run({}, mocks({ GetLiveAlias: async () => ({ FunctionVersion: '8' }) }));
    await result;
    expect(calls).not.toContain('CreateDeployment');
    expect(calls).toContain('Record');
  });
});
