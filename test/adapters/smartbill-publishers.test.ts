import { inflateRawSync } from 'node:zlib';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackgroundSmartBillPublisher } from '../../lambdas/adapters/smartbill-publisher-background.js';
import {
  decodeRenderEvent,
  encodeRenderEvent,
  LambdaSmartBillPublisher,
  MAX_ASYNC_EVENT_BYTES,
  RenderEventError,
} from '../../lambdas/adapters/smartbill-publisher-lambda.js';
import type { SmartBillPublisher, SmartBillRenderJob } from '../../lambdas/app/smartbill/ports.js';
import type { PricedBill } from '../../lambdas/engine/priced-bill.js';
import { testPricedBill } from '../unit/smartbill/fixture.js';

const KEY = 'smartbills/AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH.html';
const FUNCTION = 'arn:aws:lambda:us-east-1:111122223333:function:wcbr-dev-RenderSmartBill';

function job(priced: PricedBill = testPricedBill()): SmartBillRenderJob {
  // The tenant that priced the bill travels with the job: it alone may revoke the page (decision 009).
  return {
    key: KEY,
    priced,
    generatedAt: '2026-11-22T10:00:00.750Z',
    expiresAt: '2026-12-22T10:00:00.000Z',
    tenantId: 'tenant-a',
  };
}

/** A priced bill whose event is too large for an asynchronous invocation, even deflated. */
function hugePricedBill(): PricedBill {
  const base = testPricedBill();
  // Random-looking notes do not compress, so the deflated bill stays over the limit.
  const noise = Array.from({ length: 4000 }, (_, i) => `${(i * 2654435761) % 4294967296}`.padStart(10, '0'));
  const lines = Array.from({ length: 40 }, (_, n) => ({
    ...base.lines[n % base.lines.length],
    noise: noise.map((x) => `${x}${n}`).join(''),
  }));
  return { ...base, lines } as unknown as PricedBill;
}

class RecordingPublisher implements SmartBillPublisher {
  readonly jobs: SmartBillRenderJob[] = [];
  async publish(j: SmartBillRenderJob): Promise<void> {
    this.jobs.push(j);
  }
}

describe('the renderer event', () => {
  it('round-trips a job: the same key, dates, tenant and priced bill come out', () => {
    const j = job();
    expect(decodeRenderEvent(JSON.parse(encodeRenderEvent(j)))).toEqual(j);
  });

  it('carries the priced bill deflated, far smaller than its JSON', () => {
    const j = job();
    const event = JSON.parse(encodeRenderEvent(j)) as { pricedDeflated: string; version: number };
    const json = JSON.stringify(j.priced);
    expect(event.version).toBe(1);
    expect(inflateRawSync(Buffer.from(event.pricedDeflated, 'base64')).toString('utf8')).toBe(json);
    expect(event.pricedDeflated.length).toBeLessThan(json.length / 3);
  });

  const valid = JSON.parse(encodeRenderEvent(job())) as Record<string, unknown>;
  it.each([
    ['nothing', null],
    ['a string', 'render'],
    ['another version', { ...valid, version: 2 }],
    ['a key outside the prefix', { ...valid, key: 'other/AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH.html' }],
    ['a key that climbs out', { ...valid, key: 'smartbills/../../etc/passwd.html' }],
    ['a short key', { ...valid, key: 'smartbills/abc.html' }],
    ['a date that is not an instant', { ...valid, generatedAt: 'yesterday' }],
    ['an expiry with an offset', { ...valid, expiresAt: '2026-12-22T10:00:00+01:00' }],
    ['no bill', { ...valid, pricedDeflated: undefined }],
    ['a bill that does not inflate', { ...valid, pricedDeflated: Buffer.from('{"a":1}').toString('base64') }],
    [
      'JSON that is not a priced bill',
      {
        ...valid,
        pricedDeflated: JSON.parse(encodeRenderEvent({ ...job(), priced: {} as PricedBill })).pricedDeflated,
      },
    ],
  ])('refuses %s', (_what, event) => {
    expect(() => decodeRenderEvent(event)).toThrow(RenderEventError);
  });
});

describe('LambdaSmartBillPublisher', () => {
  const lambda = mockClient(LambdaClient);
  let oversize: RecordingPublisher;
  let publisher: LambdaSmartBillPublisher;

  beforeEach(() => {
    lambda.reset();
    oversize = new RecordingPublisher();
    publisher = new LambdaSmartBillPublisher({
      client: new LambdaClient({ region: 'us-east-1' }),
      functionName: FUNCTION,
      oversize,
    });
  });

  afterEach(() => {
    lambda.reset();
  });

  it('invokes the renderer once, asynchronously, with the encoded job', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const j = job();
    await publisher.publish(j);
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.FunctionName).toBe(FUNCTION);
    expect(input?.InvocationType).toBe('Event');
    const payload = new TextDecoder().decode(input?.Payload as Uint8Array);
    expect(decodeRenderEvent(JSON.parse(payload))).toEqual(j);
    expect(oversize.jobs).toEqual([]);
  });

  it('fails when Lambda does not queue the event (a status other than 202)', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    await expect(publisher.publish(job())).rejects.toThrow('status 200');
  });

  it('passes an invocation error on', async () => {
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(publisher.publish(job())).rejects.toThrow('Rate exceeded');
  });

  it('hands a job whose event would pass 256 KB to the oversize publisher, without invoking', async () => {
    const big = job(hugePricedBill());
    expect(Buffer.byteLength(encodeRenderEvent(big))).toBeGreaterThan(MAX_ASYNC_EVENT_BYTES);
    await publisher.publish(big);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(oversize.jobs).toEqual([big]);
  });
});

describe('BackgroundSmartBillPublisher', () => {
  it('returns before the page is made and settles once it is', async () => {
    // Prepare: a render that waits until the test lets it finish
    let finish: () => void = () => {};
    const done: SmartBillRenderJob[] = [];
    const publisher = new BackgroundSmartBillPublisher({
      run: (j) =>
        new Promise<void>((resolve) => {
          finish = () => {
            done.push(j);
            resolve();
          };
        }),
      onError: () => {
        throw new Error('no error expected');
      },
    });
    // Act
    await publisher.publish(job());
    // Assess
    expect(publisher.pending).toBe(1);
    expect(done).toEqual([]);
    finish();
    await publisher.settled();
    expect(done).toEqual([job()]);
    expect(publisher.pending).toBe(0);
  });

  it('reports a failed page to the error sink and keeps going', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const publisher = new BackgroundSmartBillPublisher({
      run: async () => {
        n += 1;
        if (n === 1) throw new Error('s3rver down');
      },
      onError: (e) => errors.push(e),
    });
    await publisher.publish(job());
    await publisher.publish(job());
    await publisher.settled();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('s3rver down');
    expect(n).toBe(2);
    expect(publisher.pending).toBe(0);
  });
});
