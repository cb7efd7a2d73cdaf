import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as v from 'valibot';
import { addSupplied, formatSuppliedError, STORE_FILES, STORE_MANIFEST } from '../fee-data/supplied/store.js';
import { S3ReleaseObjects } from '../lambdas/adapters/release-objects-s3.js';
import { CURRENT_RELEASE_KEY, DATA_PREFIX, releaseKeys } from '../lambdas/app/release/ports.js';
import {
  type CurrentRelease,
  parseCurrentRelease,
  type RecordedRelease,
  RecordedReleaseSchema,
} from '../lambdas/app/release/record.js';
import { dataBucketName, releaseStateMachineName } from '../lib/constructs/data-releases.js';

/**
 * `wcbr release …` (issue 20, docs/decisions/020-data-releases.md): start, watch and roll back data
 * releases of a deployed stage, and put supplied files into its data bucket. The stage's
 * resources are found by their computed names (as the batch and SmartBill buckets are): the state
 * machine `wcbr-<stage>-data-release` by listing the region's state machines, the bucket
 * `wcbr-<stage>-data-<account>-<region>` from the state machine's ARN. Credentials and region are
 * the AWS SDK's usual ones (AWS_PROFILE, AWS_REGION, or --region).
 */

const USAGE = `usage:
  wcbr release publish  --stage S [--region R]               build, check and roll out a release of the stage's data bucket
  wcbr release status   --stage S [--region R]               the running or last release and the one in production
  wcbr release rollback --stage S [--to RELEASE] [--region R] back to the previous release (or RELEASE), one command
  wcbr release upload   --stage S [--region R] [--by NAME] [--replace] FILE…
                                                             add supplied files to the stage's store (supplied/),
                                                             checked as wcbr data add checks them; any error: nothing
`;

/** Wrong usage: the message, then the usage, exit code 2. */
export class ReleaseUsageError extends Error {
  override readonly name = 'ReleaseUsageError';
}

/** A stage, a state machine or a release that does not exist: exit code 1. */
export class ReleaseNotFoundError extends Error {
  override readonly name = 'ReleaseNotFoundError';
}

interface Stage {
  readonly stateMachineArn: string;
  readonly bucket: string;
}

/** The AWS clients the commands use (tests pass stubs). */
export interface ReleaseClients {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
}

async function findStage(clients: ReleaseClients, stage: string): Promise<Stage> {
  const name = releaseStateMachineName(stage);
  let nextToken: string | undefined;
  do {
    const page = await clients.sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn !== undefined) {
      // arn:aws:states:<region>:<account>:stateMachine:<name>
      const [, , , region, account] = found.stateMachineArn.split(':');
      if (region === undefined || account === undefined) break;
      return { stateMachineArn: found.stateMachineArn, bucket: dataBucketName(stage, account, region) };
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  throw new ReleaseNotFoundError(
    `no state machine ${name} in this account and region: deploy stage ${stage} (npx cdk deploy -c stage=${stage}) or pass --region`,
  );
}

async function readJson(clients: ReleaseClients, bucket: string, key: string): Promise<unknown> {
  try {
    const out = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function publish(clients: ReleaseClients, stage: Stage): Promise<number> {
  const out = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stage.stateMachineArn,
      input: JSON.stringify({ mode: 'publish' }),
    }),
  );
  print({ started: out.executionArn, watch: 'wcbr release status --stage <stage>' });
  return 0;
}

async function status(clients: ReleaseClients, stage: Stage): Promise<number> {
  const executions = await clients.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: stage.stateMachineArn, maxResults: 1 }),
  );
  const last = executions.executions?.[0];
  const detail =
    last?.executionArn === undefined
      ? undefined
      : await clients.sfn.send(new DescribeExecutionCommand({ executionArn: last.executionArn }));
  const record = parseCurrentRelease(await readJson(clients, stage.bucket, CURRENT_RELEASE_KEY));
  print({
    lastExecution:
      detail === undefined
        ? null
        : {
            arn: detail.executionArn,
            status: detail.status,
            startedAt: detail.startDate?.toISOString(),
            stoppedAt: detail.stopDate?.toISOString() ?? null,
            ...(detail.error === undefined ? {} : { error: detail.error, cause: detail.cause }),
          },
    current: record?.current ?? null,
    previous: record?.previous ?? null,
  });
  return detail?.status === 'FAILED' || detail?.status === 'TIMED_OUT' || detail?.status === 'ABORTED'
    ? 1
    : 0;
}

async function rollback(clients: ReleaseClients, stage: Stage, to: string | undefined): Promise<number> {
  const record: CurrentRelease | undefined = parseCurrentRelease(
    await readJson(clients, stage.bucket, CURRENT_RELEASE_KEY),
  );
  let target: RecordedRelease | null | undefined;
  if (to === undefined) {
    target = record?.previous;
    if (target == null)
      throw new ReleaseNotFoundError('no previous release is recorded: nothing to roll back to');
  } else {
    const stored = await readJson(clients, stage.bucket, releaseKeys(to).record);
    if (stored === undefined)
      throw new ReleaseNotFoundError(`release ${to} was never recorded in production`);
    target = v.parse(RecordedReleaseSchema, stored);
  }
  const out = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stage.stateMachineArn,
      input: JSON.stringify({
        mode: 'rollback',
        release: { id: target.id, builtAt: target.builtAt, layerVersionArn: target.layerVersionArn },
      }),
    }),
  );
  print({ rollingBackTo: target.id, from: record?.current.id ?? null, started: out.executionArn });
  return 0;
}

/**
 * Adds supplied files to the stage's store in its data bucket (`supplied/`, the layout of a local
 * store: `manifest.json` and `files/<id>/…`, which the Build step downloads): the store is mirrored
 * into a temporary directory, the files are added there exactly as `wcbr data add` adds them
 * (checked alone, against each other, the store's items and the official registry; who and when
 * recorded), and only then are the new files put, the manifest last, so a reader never sees a
 * manifest naming files that are not there. One error and nothing is uploaded. Objects are
 * encrypted by the bucket's default key (the data store's own KMS key): an explicit
 * `aws:kms` header without a key id would use the account's AWS-managed key instead.
 *
 * @param clients - the S3 client
 * @param bucket - the stage's data bucket
 * @param files - the JSON files (a CSV beside its JSON is read through it)
 * @param options - who adds them, when, and whether an id already stored may be replaced
 * @returns the exit code
 */
export async function uploadSupplied(
  clients: Pick<ReleaseClients, 's3'>,
  bucket: string,
  files: readonly string[],
  options: { readonly by: string; readonly now: Date; readonly replace?: boolean },
): Promise<number> {
  const objects = new S3ReleaseObjects(clients.s3, bucket);
  const mirror = mkdtempSync(path.join(os.tmpdir(), 'wcbr-supplied-upload-'));
  try {
    await objects.download(DATA_PREFIX.supplied, mirror);
    const result = addSupplied(mirror, files, options);
    if (!result.ok) {
      for (const e of result.errors) process.stderr.write(`${formatSuppliedError(e)}\n`);
      process.stderr.write(`nothing uploaded: ${result.errors.length} error(s)\n`);
      return 1;
    }
    for (const entry of result.added) {
      for (const name of entry.files) {
        const key = `${DATA_PREFIX.supplied}${STORE_FILES}/${entry.id}/${name}`;
        await objects.putFile(
          key,
          path.join(mirror, STORE_FILES, entry.id, name),
          name.endsWith('.csv') ? 'text/csv' : 'application/json',
        );
        process.stderr.write(`uploaded ${name} to s3://${bucket}/${key}\n`);
      }
    }
    await objects.putFile(
      `${DATA_PREFIX.supplied}${STORE_MANIFEST}`,
      path.join(mirror, STORE_MANIFEST),
      'application/json',
    );
    process.stderr.write(
      `store manifest updated (${result.added.length} added${result.replaced.length > 0 ? `, ${result.replaced.length} replaced` : ''}); run \`wcbr release publish --stage <stage>\` to build a release with them\n`,
    );
    return 0;
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}

/**
 * `wcbr release publish|status|rollback|upload --stage S`.
 *
 * @param args - the arguments after `release`
 * @param clients - AWS clients (default: the SDK's, with the region of --region or the environment)
 * @returns the exit code: 0 done, 1 failed or not found, 2 wrong usage
 */
export async function releaseCommand(args: string[], clients?: ReleaseClients): Promise<number> {
  const [sub, ...rest] = args;
  let values: {
    stage?: string | undefined;
    to?: string | undefined;
    region?: string | undefined;
    by?: string | undefined;
    replace?: boolean | undefined;
  };
  let positionals: string[];
  try {
    if (!['publish', 'status', 'rollback', 'upload'].includes(sub ?? ''))
      throw new ReleaseUsageError(`unknown release command ${sub ?? '(none)'}`);
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        stage: { type: 'string' },
        to: { type: 'string' },
        region: { type: 'string' },
        by: { type: 'string' },
        replace: { type: 'boolean' },
      },
      allowPositionals: sub === 'upload',
    }));
    if (values.stage === undefined || !/^[a-z][a-z0-9-]{0,20}$/.test(values.stage))
      throw new ReleaseUsageError(
        '--stage NAME is required (a stage of cdk.json: lower-case letters, digits, dashes)',
      );
    if (values.to !== undefined && sub !== 'rollback')
      throw new ReleaseUsageError('--to is for rollback only');
    if (values.to !== undefined && !/^r[0-9a-f]{12}$/.test(values.to))
      throw new ReleaseUsageError(
        `--to ${values.to} is not a release id (r and 12 hex digits, e.g. r3f9a0c1d2e4b)`,
      );
    if (sub === 'upload' && positionals.length === 0)
      throw new ReleaseUsageError('upload needs at least one FILE');
  } catch (error) {
    process.stderr.write(`wcbr release: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const region = values.region === undefined ? {} : { region: values.region };
  const aws = clients ?? { sfn: new SFNClient(region), s3: new S3Client(region) };
  try {
    const stage = await findStage(aws, values.stage);
    if (sub === 'publish') return await publish(aws, stage);
    if (sub === 'status') return await status(aws, stage);
    if (sub === 'rollback') return await rollback(aws, stage, values.to);
    return await uploadSupplied(
      aws,
      stage.bucket,
      positionals.map((f) => path.resolve(f)),
      { by: values.by ?? os.userInfo().username, now: new Date(), replace: values.replace === true },
    );
  } catch (error) {
    process.stderr.write(`wcbr release ${sub}: ${(error as Error).message}\n`);
    return 1;
  }
}
