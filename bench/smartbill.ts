/**
 * The SmartBill figure: render (PBKDF2-SHA256 at 600,000 iterations, AES-256-GCM) and store one
 * 50-line page in s3rver, as the local stack would. Five examples/bills lines repeated to 50.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../fee-data/paths.js';
import { loadFeeIndexFile } from '../lambdas/adapters/fee-index-file.js';
import { S3SmartBillStore } from '../lambdas/adapters/smartbill-store-s3.js';
import { normaliseBill } from '../lambdas/engine/bill/normalise.js';
import { priceBill } from '../lambdas/engine/price-bill.js';
import { s3rverClient, startS3rver } from '../lambdas/local/emulators/s3rver.js';
import { renderSmartBill } from '../lambdas/smartbill/render.js';
import { freshSaltAndIv } from '../lambdas/smartbill/seal.js';

/** Median timings of five runs. */
export interface SmartBillBench {
  readonly renderMs: number;
  readonly storeMs: number;
  readonly totalMs: number;
  readonly kilobytes: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] as number) * 10) / 10;
}

/**
 * @param indexFile - the fee index
 * @returns median render, store and total times of a 50-line page
 */
export async function benchSmartBillPage(indexFile: string): Promise<SmartBillBench> {
  const example = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'examples', 'bills', 'imaging-and-therapy.json'), 'utf8'),
  ) as { lines: Record<string, unknown>[] } & Record<string, unknown>;
  const lines = Array.from({ length: 50 }, (_, i) => ({
    ...(example.lines[i % example.lines.length] as object),
    lineNumber: i + 1,
  }));
  const priced = priceBill(loadFeeIndexFile(indexFile), normaliseBill({ ...example, lines }));
  const directory = mkdtempSync(path.join(os.tmpdir(), 'wcbr-bench-s3-'));
  const s3 = await startS3rver({ directory, buckets: ['smartbills'] });
  const client = s3rverClient(s3.endpoint);
  try {
    const store = new S3SmartBillStore({ client, bucketName: 'smartbills' });
    const render: number[] = [];
    const put: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const html = await renderSmartBill(priced, {
        ...freshSaltAndIv(),
        generatedAt: new Date().toISOString(),
      });
      const rendered = performance.now();
      await store.put(html);
      put.push(performance.now() - rendered);
      render.push(rendered - started);
      bytes = Buffer.byteLength(html);
    }
    const renderMs = median(render);
    const storeMs = median(put);
    return {
      renderMs,
      storeMs,
      totalMs: Math.round((renderMs + storeMs) * 10) / 10,
      kilobytes: Math.round(bytes / 1024),
    };
  } finally {
    client.destroy();
    await s3.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
