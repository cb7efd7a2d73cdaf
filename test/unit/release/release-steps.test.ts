/**
 * The release workflow's Lambda steps with injected ports (an in-memory data bucket, a builder that
 * writes the sample index) and the real sample index: Build writes the index and its layer archive
 * under the release's id; Check runs the full-size checks against the release in production and
 * fails naming the check; Record makes the release current and the one before it previous.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LAYER_INDEX_ENTRY, layerZipBytes } from '../../../lambdas/adapters/layer-zip.js';
import { releaseSummary } from '../../../lambdas/app/release/checks.js';
import { CURRENT_RELEASE_KEY, type ReleaseObjects, releaseKeys } from '../../../lambdas/app/release/ports.js';
import {
  type CurrentRelease,
  nextRecord,
  type RecordedRelease,
} from '../../../lambdas/app/release/record.js';
import { NoOfficialFilesError, ReleaseCheckFailedError } from '../../../lambdas/app/release/service.js';
import type { DataRelease } from '../../../lambdas/domain/supplied.js';
import { FeeIndex } from '../../../lambdas/fee-index/reader.js';
import { EXAMPLE_BILLS } from '../../../lambdas/handlers/release-steps/example-bills.js';
import { buildStep, checkStep, recordStep } from '../../../lambdas/handlers/release-steps/steps.js';
import { REPO_ROOT } from '../../../lambdas/local/paths.js';
import { FEE_INDEX_PATH_IN_LAYER } from '../../../lib/constructs/fee-index-layer.js';
import { sampleIndexBytes } from '../../support/fee-index.js';

/** The stage's data bucket in memory. */
class MemoryObjects implements ReleaseObjects {
  readonly objects = new Map<string, Buffer>();

  async download(prefix: string, dir: string): Promise<number> {
    let count = 0;
    for (const [key, body] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      const file = join(dir, relative(prefix, key));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
      count += 1;
    }
    return count;
  }
  async putFile(key: string, file: string): Promise<void> {
    this.objects.set(key, readFileSync(file));
  }
  async putJson(key: string, value: unknown): Promise<void> {
    this.objects.set(key, Buffer.from(JSON.stringify(value)));
  }
  async getJson(key: string): Promise<unknown> {
    const body = this.objects.get(key);
    return body === undefined ? undefined : JSON.parse(body.toString('utf8'));
  }
  async getFile(key: string, file: string): Promise<void> {
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`NoSuchKey ${key}`);
    writeFileSync(file, body);
  }
}

const index = FeeIndex.fromBytes(sampleIndexBytes());
const release = ((): DataRelease => {
  const named = index.release();
  if (named === undefined) throw new Error('the sample index names no release');
  return named;
})();

/** A builder that writes the sample index and records what it was given. */
function sampleBuilder(seen: { official?: string[]; supplied?: string[] | undefined }) {
  return (officialDir: string, suppliedDir: string | undefined, outFile: string) => {
    seen.official = readdirSync(officialDir);
    seen.supplied =
      suppliedDir === undefined ? undefined : readdirSync(suppliedDir, { recursive: true }).map(String);
    writeFileSync(outFile, sampleIndexBytes());
    return { release, bytes: sampleIndexBytes().length };
  };
}

describe('Build', () => {
  it('builds from official/ and supplied/ and writes the index and its layer archive under the release id', async () => {
    const objects = new MemoryObjects();
    objects.objects.set('official/PPRRVU2025.csv', Buffer.from('stand-in'));
    objects.objects.set('supplied/manifest.json', Buffer.from('{}'));
    objects.objects.set('supplied/files/acme-tx-cf-2025/acme.json', Buffer.from('{}'));
    const seen: { official?: string[]; supplied?: string[] | undefined } = {};
    const out = await buildStep({ objects, build: sampleBuilder(seen) })();
    expect(seen.official).toEqual(['PPRRVU2025.csv']);
    expect(seen.supplied).toContain('manifest.json');
    expect(out.release.id).toBe(release.id);
    expect(out.indexKey).toBe(releaseKeys(release.id).index);
    expect(objects.objects.get(out.indexKey)?.equals(Buffer.from(sampleIndexBytes()))).toBe(true);
    // The archive holds the index at the path the functions read from /opt.
    const zip = objects.objects.get(out.layerZipKey);
    expect(zip).toBeDefined();
    const nameLength = zip?.readUInt16LE(26) ?? 0;
    expect(zip?.subarray(30, 30 + nameLength).toString('utf8')).toBe(FEE_INDEX_PATH_IN_LAYER);
    const compressed = zip?.readUInt32LE(18) ?? 0;
    const data = inflateRawSync(
      zip?.subarray(30 + nameLength, 30 + nameLength + compressed) ?? Buffer.alloc(0),
    );
    expect(data.equals(Buffer.from(sampleIndexBytes()))).toBe(true);
  });

  it('passes no supplied store when supplied/ is empty', async () => {
    const objects = new MemoryObjects();
    objects.objects.set('official/PPRRVU2025.csv', Buffer.from('stand-in'));
    const seen: { official?: string[]; supplied?: string[] | undefined } = {};
    await buildStep({ objects, build: sampleBuilder(seen) })();
    expect(seen.supplied).toBeUndefined();
  });

  it('refuses to build without official files', async () => {
    const objects = new MemoryObjects();
    await expect(buildStep({ objects, build: sampleBuilder({}) })()).rejects.toBeInstanceOf(
      NoOfficialFilesError,
    );
  });
});

describe('the layer archive', () => {
  it('names the entry the CDK layer stages, and the same index makes the same bytes', () => {
    expect(LAYER_INDEX_ENTRY).toBe(FEE_INDEX_PATH_IN_LAYER);
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    expect(layerZipBytes(bytes).equals(layerZipBytes(bytes))).toBe(true);
    // End of central directory: one entry.
    const zip = layerZipBytes(bytes);
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(1);
  });
});

describe('Check', () => {
  function withIndex(): MemoryObjects {
    const objects = new MemoryObjects();
    objects.objects.set(releaseKeys(release.id).index, Buffer.from(sampleIndexBytes()));
    return objects;
  }

  it('passes the sample index with no release in production, and writes its summary', async () => {
    const objects = withIndex();
    const out = await checkStep({ objects, examples: EXAMPLE_BILLS })({
      release: { id: release.id },
      indexKey: releaseKeys(release.id).index,
    });
    expect(out.checks.map((c) => [c.name, c.ok])).toEqual([
      ['checksum', true],
      ['datasets', true],
      ['jurisdictions', true],
      ['supplied', true],
      ['examples', true],
    ]);
    expect(await objects.getJson(releaseKeys(release.id).summary)).toEqual(releaseSummary(index));
  });

  it('fails, naming the data set, when one the release in production had is missing', async () => {
    const objects = withIndex();
    const previous = {
      ...releaseSummary(index),
      release: { ...releaseSummary(index).release, id: 'r000000000000' },
    };
    await objects.putJson(releaseKeys('r000000000000').summary, {
      ...previous,
      datasets: { ...previous.datasets, 'state-workers-comp-xyz': 100 },
    });
    await objects.putJson(CURRENT_RELEASE_KEY, {
      current: recorded('r000000000000', 1),
      previous: null,
    } satisfies CurrentRelease);
    const run = checkStep({ objects, examples: EXAMPLE_BILLS })({
      release: { id: release.id },
      indexKey: releaseKeys(release.id).index,
    });
    await expect(run).rejects.toBeInstanceOf(ReleaseCheckFailedError);
    await expect(run).rejects.toThrow(/state-workers-comp-xyz is missing/);
    expect(objects.objects.has(releaseKeys(release.id).summary)).toBe(false);
  });

  it('fails on a corrupt index body', async () => {
    const objects = new MemoryObjects();
    const corrupt = Buffer.from(sampleIndexBytes());
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff;
    objects.objects.set(releaseKeys(release.id).index, corrupt);
    await expect(
      checkStep({ objects, examples: EXAMPLE_BILLS })({
        release: { id: release.id },
        indexKey: releaseKeys(release.id).index,
      }),
    ).rejects.toThrow(/checksum/);
  });

  it('bundles every example bill of examples/bills', () => {
    const files = readdirSync(join(REPO_ROOT, 'examples/bills')).filter((f) => f.endsWith('.json'));
    expect(EXAMPLE_BILLS.map((e) => e.name).sort()).toEqual(files.sort());
  });
});

function recorded(id: string, layer: number, mode: 'publish' | 'rollback' = 'publish'): RecordedRelease {
  return {
    id,
    builtAt: '2026-12-01T00:00:00.000Z',
    layerVersionArn: `arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:${layer}`,
    functions: [{ functionName: 'price-bill', application: 'app', deploymentGroup: 'price' }],
    recordedAt: '2026-12-01T00:10:00.000Z',
    mode,
  };
}

describe('Record', () => {
  it('makes the release current and the one before it previous', async () => {
    const objects = new MemoryObjects();
    await objects.putJson(CURRENT_RELEASE_KEY, { current: recorded('r111111111111', 1), previous: null });
    const now = new Date('2026-12-07T18:00:00.000Z');
    const next = await recordStep({ objects, now: () => now })({
      mode: 'publish',
      release: {
        id: 'r222222222222',
        builtAt: '2026-12-07T17:00:00.000Z',
        layerVersionArn: 'arn:aws:lambda:us-east-1:111122223333:layer:wcbr-dev-fee-index:2',
      },
      functions: [{ functionName: 'price-bill', application: 'app', deploymentGroup: 'price' }],
    });
    expect(next.current.id).toBe('r222222222222');
    expect(next.current.recordedAt).toBe(now.toISOString());
    expect(next.previous?.id).toBe('r111111111111');
    expect(await objects.getJson(CURRENT_RELEASE_KEY)).toEqual(next);
    expect(await objects.getJson(releaseKeys('r222222222222').record)).toEqual(next.current);
  });

  it('keeps the previous release when the current one is recorded again (a rollback to itself)', () => {
    const before = { current: recorded('r222222222222', 2), previous: recorded('r111111111111', 1) };
    expect(nextRecord(before, recorded('r222222222222', 2, 'rollback')).previous?.id).toBe('r111111111111');
    expect(nextRecord(undefined, recorded('r111111111111', 1)).previous).toBeNull();
  });

  it('refuses a payload that is not a release', async () => {
    const objects = new MemoryObjects();
    await expect(recordStep({ objects, now: () => new Date() })({ mode: 'publish' })).rejects.toThrow();
    expect(objects.objects.size).toBe(0);
  });
});
