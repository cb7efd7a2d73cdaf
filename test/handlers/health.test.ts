/**
 * `GET /v1/health`'s dependency report (issue 15, item 5): each dependency's status, `degraded`
 * when a configured one does not answer, `not-configured` for what a function does not use,
 * statuses only, and one round of probes shared by concurrent and closely following requests
 * (the route is public). Against real emulators: test/e2e/recon-outage.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeeIndex } from '../../lambdas/fee-index/reader.js';
import {
  createHealthCheck,
  dataReleaseFrom,
  type HealthProbes,
  PROBE_TIMEOUT_MS,
  probesFrom,
} from '../../lambdas/handlers/health/dependencies.js';
import { sampleIndexBytes, sampleIndexFile } from '../support/fee-index.js';

const ok = async () => undefined;
const down = async () => {
  throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
};

describe('createHealthCheck', () => {
  it('is ok when every configured dependency answers, and names the others not-configured', async () => {
    const report = await createHealthCheck({ feeIndex: ok, dynamoDb: ok })();
    expect(report.status).toBe('ok');
    expect(report.dependencies).toEqual({
      feeIndex: { status: 'ok' },
      dynamoDb: { status: 'ok' },
      kms: { status: 'not-configured' },
      smartBillStore: { status: 'not-configured' },
    });
  });

  it('is degraded when one does not answer, and says which without its error', async () => {
    const report = await createHealthCheck({ feeIndex: ok, dynamoDb: ok, kms: down, smartBillStore: ok })();
    expect(report.status).toBe('degraded');
    expect(report.dependencies.kms).toEqual({ status: 'unavailable' });
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('counts a probe that hangs as unavailable after the probe timeout', async () => {
    const hangs = () => new Promise<void>(() => undefined);
    const started = Date.now();
    const report = await createHealthCheck({ feeIndex: ok, dynamoDb: hangs })();
    expect(report.dependencies.dynamoDb.status).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(PROBE_TIMEOUT_MS + 1_000);
  }, 10_000);

  it('runs one round of probes for requests within the cache time, and a new one after it', async () => {
    let calls = 0;
    let clock = 1_000;
    const probes: HealthProbes = {
      feeIndex: async () => {
        calls += 1;
      },
    };
    const check = createHealthCheck(probes, { cacheMs: 2_000, now: () => clock });
    await Promise.all([check(), check(), check()]);
    clock += 1_999;
    await check();
    expect(calls).toBe(1);
    clock += 1;
    await check();
    expect(calls).toBe(2);
  });
});

describe('probesFrom', () => {
  it('checks nothing a function is not configured with (the AWS health function has no layer)', () => {
    expect(Object.keys(probesFrom({}))).toEqual([]);
  });

  it('checks DynamoDB, KMS and the page bucket when the function is configured with them', () => {
    const probes = probesFrom({
      FEE_INDEX_PATH: '/opt/fee-index/fee-index.bin',
      RECON_TABLE_NAME: 'recons',
      RECON_KMS_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/k',
      SMARTBILL_BUCKET: 'pages',
    });
    expect(Object.keys(probes).sort()).toEqual(['dynamoDb', 'feeIndex', 'kms', 'smartBillStore']);
  });

  it('reports the fee index unavailable when it cannot be opened, and tries again next time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wcbr-health-'));
    const file = join(dir, 'fee-index.bin');
    try {
      const check = createHealthCheck(probesFrom({ FEE_INDEX_PATH: file }), { cacheMs: 0 });
      expect((await check()).dependencies.feeIndex.status).toBe('unavailable');
      writeFileSync(file, sampleIndexBytes());
      expect((await check()).dependencies.feeIndex.status).toBe('ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dataReleaseFrom (issue 20)', () => {
  it('names the release of the index the function is given, as its header records it', () => {
    const file = sampleIndexFile();
    const release = FeeIndex.fromBytes(sampleIndexBytes()).release();
    expect(release).toBeDefined();
    expect(dataReleaseFrom({ FEE_INDEX_PATH: file })()).toEqual({
      id: release?.id,
      builtAt: release?.builtAt,
    });
  });

  it('is null without an index, or when it does not open', () => {
    expect(dataReleaseFrom({})()).toBeNull();
    expect(dataReleaseFrom({ FEE_INDEX_PATH: join(tmpdir(), 'wcbr-no-such-index.bin') })()).toBeNull();
  });
});
