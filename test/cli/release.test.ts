/**
 * `wcbr release` (argument errors answered before any AWS call; the commands with stubbed SDK
 * clients: publish, rollback to the recorded previous release or a named one, upload that puts
 * nothing when a file is wrong) and `wcbr data check` on the sample index (issue 20).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReleaseClients, releaseCommand, uploadSupplied } from '../../bin/release.js';
import { REPO_ROOT } from '../../fee-data/paths.js';
import { addSupplied } from '../../fee-data/supplied/store.js';
import { releaseSummary } from '../../lambdas/app/release/checks.js';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';
import { sampleIndexBytes, sampleIndexFile } from '../support/fee-index.js';
import { tableFile, writeFile } from '../support/supplied.js';

const WCBR = path.join(REPO_ROOT, 'bin', 'wcbr.mjs');

function wcbr(args: string[]) {
  return spawnSync(process.execPath, [WCBR, ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    // No credentials or region: an argument error must be answered before any AWS call.
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
    },
  });
}

describe('wcbr release: argument errors (exit 2, usage, no AWS call)', () => {
  it.each([
    [['release'], /unknown release command \(none\)/],
    [['release', 'deploy', '--stage', 'dev'], /unknown release command deploy/],
    [['release', 'publish'], /--stage NAME is required/],
    [['release', 'status', '--stage', 'Dev!'], /--stage NAME is required/],
    [['release', 'rollback', '--stage', 'dev', '--to', 'latest'], /not a release id/],
    [['release', 'publish', '--stage', 'dev', '--to', 'r0123456789ab'], /--to is for rollback only/],
    [['release', 'upload', '--stage', 'dev'], /upload needs at least one FILE/],
    [['release', 'status', '--stage', 'dev', '--bogus'], /Unknown option '--bogus'/],
  ])('%j', (args, message) => {
    const out = wcbr(args);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).toContain('usage:');
  });
});

const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:wcbr-dev-data-release';
const BUCKET = 'wcbr-dev-data-111122223333-us-east-1';

function recorded(id: string, version: number) {
  return {
    id,
    builtAt: '2026-12-01T00:00:00.000Z',
    layerVersionArn: `arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:${version}`,
    functions: [],
    recordedAt: '2026-12-01T00:10:00.000Z',
    mode: 'publish',
  };
}

/** SDK clients that answer from a map of bucket objects and record what they were sent. */
function stubClients(objects: Record<string, unknown>) {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    sent.push({ command: command.constructor.name, input: command.input });
    switch (command.constructor.name) {
      case 'ListStateMachinesCommand':
        return {
          stateMachines: [
            { name: 'wcbr-other-data-release', stateMachineArn: 'x' },
            { name: 'wcbr-dev-data-release', stateMachineArn: MACHINE },
          ],
        };
      case 'StartExecutionCommand':
        return { executionArn: `${MACHINE.replace('stateMachine', 'execution')}:e1` };
      case 'GetObjectCommand': {
        const body = objects[String(command.input.Key)];
        if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
        // A string is an object's exact bytes (a supplied file); anything else is JSON.
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        return {
          Body: Object.assign(Readable.from([Buffer.from(text)]), { transformToString: async () => text }),
        };
      }
      case 'ListObjectsV2Command': {
        const prefix = String(command.input.Prefix ?? '');
        return {
          Contents: Object.keys(objects)
            .filter((k) => k.startsWith(prefix))
            .map((Key) => ({ Key })),
        };
      }
      case 'PutObjectCommand':
        return {};
      default:
        throw new Error(`unexpected ${command.constructor.name}`);
    }
  };
  return { clients: { sfn: { send }, s3: { send } } as unknown as ReleaseClients, sent };
}

describe('wcbr release with stubbed clients', () => {
  it('publish starts the stage’s state machine', async () => {
    const { clients, sent } = stubClients({});
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await releaseCommand(['publish', '--stage', 'dev'], clients)).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(sent.find((s) => s.command === 'StartExecutionCommand')?.input).toEqual({
      stateMachineArn: MACHINE,
      input: JSON.stringify({ mode: 'publish' }),
    });
  });

  it('rollback starts rollback mode with the recorded previous release’s layer', async () => {
    const { clients, sent } = stubClients({
      'releases/current.json': {
        current: recorded('r222222222222', 2),
        previous: recorded('r111111111111', 1),
      },
    });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await releaseCommand(['rollback', '--stage', 'dev'], clients)).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(sent.find((s) => s.command === 'GetObjectCommand')?.input).toEqual({
      Bucket: BUCKET,
      Key: 'releases/current.json',
    });
    const start = sent.find((s) => s.command === 'StartExecutionCommand');
    expect(JSON.parse(String(start?.input.input))).toEqual({
      mode: 'rollback',
      release: {
        id: 'r111111111111',
        builtAt: '2026-12-01T00:00:00.000Z',
        layerVersionArn: 'arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:1',
      },
    });
  });

  it('rollback --to reads that release’s record', async () => {
    const { clients, sent } = stubClients({
      'releases/current.json': { current: recorded('r222222222222', 2), previous: null },
      'releases/r000000000001/record.json': recorded('r000000000001', 5),
    });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await releaseCommand(['rollback', '--stage', 'dev', '--to', 'r000000000001'], clients)).toBe(0);
    } finally {
      write.mockRestore();
    }
    const start = sent.find((s) => s.command === 'StartExecutionCommand');
    expect(JSON.parse(String(start?.input.input)).release.layerVersionArn).toMatch(/:5$/);
  });

  it('rollback with no previous release starts nothing and says why', async () => {
    const { clients, sent } = stubClients({
      'releases/current.json': { current: recorded('r222222222222', 2), previous: null },
    });
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await releaseCommand(['rollback', '--stage', 'dev'], clients)).toBe(1);
      expect(String(error.mock.calls.at(-1)?.[0])).toMatch(/no previous release/);
    } finally {
      error.mockRestore();
    }
    expect(sent.some((s) => s.command === 'StartExecutionCommand')).toBe(false);
  });

  it('names the stage that is not deployed', async () => {
    const { clients } = stubClients({});
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await releaseCommand(['status', '--stage', 'prod'], clients)).toBe(1);
      expect(String(error.mock.calls.at(-1)?.[0])).toMatch(/no state machine wcbr-prod-data-release/);
    } finally {
      error.mockRestore();
    }
  });
});

describe('wcbr release upload', () => {
  const options = { by: 'ops@payer.example', now: new Date('2026-12-07T10:00:00Z') };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-upload-'));
    writeFile(dir, 'ny.json', tableFile());
    writeFile(dir, 'bad.json', {
      ...tableFile({ id: 'test-bad' }),
      rows: [{ code: '99213', non_facility: '1.234' }],
    });
  });

  const quietly = async <T>(run: () => Promise<T>) => {
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return { result: await run(), said: error.mock.calls.map((c) => String(c[0])).join('') };
    } finally {
      error.mockRestore();
    }
  };

  it('adds the files to the stage store as wcbr data add does: the files, then the manifest last, under the bucket key', async () => {
    const { clients, sent } = stubClients({});
    const { result } = await quietly(() =>
      uploadSupplied(clients, BUCKET, [path.join(dir, 'ny.json')], options),
    );
    expect(result).toBe(0);
    const puts = sent.filter((s) => s.command === 'PutObjectCommand').map((s) => s.input);
    expect(puts.map((p) => p.Key)).toEqual([
      'supplied/files/test-ny-table/ny.json',
      'supplied/manifest.json',
    ]);
    // No explicit aws:kms header: without a key id it would use the AWS-managed key, not the bucket's.
    expect(puts.every((p) => p.ServerSideEncryption === undefined)).toBe(true);
    const manifest = JSON.parse(String(puts[1]?.Body)) as { items: { id: string; suppliedBy: string }[] };
    expect(manifest.items).toEqual([
      expect.objectContaining({ id: 'test-ny-table', suppliedBy: 'ops@payer.example' }),
    ]);
  });

  it('uploads nothing when one file is wrong, naming the file, row and column', async () => {
    const { clients, sent } = stubClients({});
    const { result, said } = await quietly(() =>
      uploadSupplied(clients, BUCKET, [path.join(dir, 'ny.json'), path.join(dir, 'bad.json')], options),
    );
    expect(result).toBe(1);
    expect(said).toMatch(/bad\.json:1:rows\[0\]\.non_facility: /);
    expect(said).toMatch(/nothing uploaded/);
    expect(sent.some((s) => s.command === 'PutObjectCommand')).toBe(false);
  });

  it('checks against the store already in the bucket: an id it holds is refused without --replace', async () => {
    const local = mkdtempSync(path.join(os.tmpdir(), 'wcbr-upload-store-'));
    expect(addSupplied(local, [path.join(dir, 'ny.json')], options).ok).toBe(true);
    const objects: Record<string, unknown> = {
      'supplied/manifest.json': readFileSync(path.join(local, 'manifest.json'), 'utf8'),
      'supplied/files/test-ny-table/ny.json': readFileSync(
        path.join(local, 'files', 'test-ny-table', 'ny.json'),
        'utf8',
      ),
    };
    const { clients, sent } = stubClients(objects);
    const { result, said } = await quietly(() =>
      uploadSupplied(clients, BUCKET, [path.join(dir, 'ny.json')], options),
    );
    expect(result).toBe(1);
    expect(said).toMatch(/test-ny-table is already in the store/);
    expect(sent.some((s) => s.command === 'PutObjectCommand')).toBe(false);
  });
});

describe('wcbr data check', () => {
  let index: string;
  beforeAll(() => {
    index = sampleIndexFile();
  });

  it('runs every full-size check on the sample index, one line each, exit 0', () => {
    const out = spawnSync(process.execPath, [WCBR, 'data', 'check', '--index', index], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
    });
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^data release r[0-9a-f]{12} built /);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['ok', 'checksum'],
      ['ok', 'datasets'],
      ['ok', 'jurisdictions'],
      ['ok', 'supplied'],
      ['ok', 'examples'],
    ]);
  });

  it('fails (exit 1) against a previous release that had a data set this one lacks', () => {
    const summary = releaseSummary(FeeIndex.fromBytes(sampleIndexBytes()));
    const previous = path.join(mkdtempSync(path.join(os.tmpdir(), 'wcbr-check-')), 'summary.json');
    // The previous release's rows of pfs-rvu twice what the sample holds: a drop of half.
    writeFileSync(
      previous,
      JSON.stringify({
        ...summary,
        datasets: { ...summary.datasets, 'pfs-rvu': (summary.datasets['pfs-rvu'] ?? 0) * 2 },
      }),
    );
    const out = spawnSync(
      process.execPath,
      [WCBR, 'data', 'check', '--index', index, '--previous', previous],
      {
        encoding: 'utf8',
        cwd: REPO_ROOT,
      },
    );
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/FAIL datasets\s+pfs-rvu dropped from \d+ to \d+ rows/);
  });

  it('prints the summary the next release compares with', () => {
    const out = spawnSync(process.execPath, [WCBR, 'data', 'check', '--index', index, '--summary'], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
    });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(
      JSON.parse(JSON.stringify(releaseSummary(FeeIndex.fromBytes(sampleIndexBytes())))),
    );
  });
});
