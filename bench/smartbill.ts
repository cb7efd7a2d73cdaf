/**
 * The SmartBill figure: make a page key and its gate record (random key, HMAC of the amount),
 * render (AES-256-GCM under that key) and store one 50-line page in s3rver, as the local stack
 * would. Five examples/bills lines repeated to 50. The gate record's DynamoDB write is not in it
 * (it needs Java; one PutItem, like a Recon write).
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
import { newGate } from '../lambdas/smartbill/gate.js';
import { renderSmartBill } from '../lambdas/smartbill/render.js';
import { freshIv } from '../lambdas/smartbill/seal.js';
import { median } from './stats.js';

/** Median timings of five runs. */
export interface SmartBillBench {
  /** Making the page key and gate record, microseconds (median of 1,000). */
  readonly gateUs: number;
  readonly renderMs: number;
  readonly storeMs: number;
  readonly totalMs: number;
  readonly kilobytes: number;
}

/** The median, to a tenth. */
function medianTenth(values: number[]): number {
  return Math.round(median(values) * 10) / 10;
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
      const gate = newGate({
        pageId: 'a'.repeat(32),
        tenantId: 'bench',
        totalCharge: priced.totals.billed,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      const html = await renderSmartBill(priced, {
        key: gate.key,
        iv: freshIv(),
        generatedAt: new Date().toISOString(),
      });
      const rendered = performance.now();
      await store.put(html);
      put.push(performance.now() - rendered);
      render.push(rendered - started);
      bytes = Buffer.byteLength(html);
    }
    const gateTimes: number[] = [];
    for (let run = 0; run < 1000; run += 1) {
      const started = performance.now();
      newGate({ pageId: 'a'.repeat(32), tenantId: 'bench', totalCharge: '1234.56', expiresAt: new Date() });
      gateTimes.push((performance.now() - started) * 1000);
    }
    const renderMs = medianTenth(render);
    const storeMs = medianTenth(put);
    return {
      gateUs: medianTenth(gateTimes),
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
