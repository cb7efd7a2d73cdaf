import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmartBillBackends } from '../../lambdas/local/smartbill-stack.js';

/*
 * `npm start` keeps SmartBill pages under the state directory (s3rver's files); their gate (the page
 * key and the attempts, decision 009) must be kept with them, or a page kept across a restart could
 * never be opened again (issue 15, item 5: data that survives).
 */
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-gate-restart-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('the local SmartBill gate', () => {
  it('keeps a page key and its attempts across a restart on the same state directory', async () => {
    const nowEpoch = Math.floor(Date.now() / 1000);
    const record = {
      pageId: 'A'.repeat(32),
      tenantId: 'local',
      key: Buffer.alloc(32, 7).toString('base64'),
      amountMac: Buffer.alloc(32, 9).toString('base64'),
      attempts: 0,
      revoked: false,
      expiresAt: nowEpoch + 86_400,
    };
    const first = await startSmartBillBackends({ stateDir });
    try {
      await first.gate.create(record);
      const taken = await first.gate.takeAttempt(record.pageId, 5, nowEpoch);
      expect(typeof taken === 'object' && taken.attempts).toBe(1);
    } finally {
      await first.stop();
    }
    const second = await startSmartBillBackends({ stateDir });
    try {
      const again = await second.gate.takeAttempt(record.pageId, 5, nowEpoch);
      expect(again).toMatchObject({ pageId: record.pageId, key: record.key, attempts: 2 });
    } finally {
      await second.stop();
    }
  }, 60_000);
});
