import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFrontUrlSigner } from '../../lambdas/adapters/cloudfront-url-signer.js';
import { newSmartBillKey } from '../../lambdas/adapters/smartbill-store-s3.js';
import {
  pageIdOfKey,
  SMARTBILL_CACHE_CONTROL,
  SMARTBILL_CONTENT_SECURITY_POLICY,
} from '../../lambdas/app/smartbill/ports.js';
import { UnlockRateLimiter } from '../../lambdas/app/smartbill/unlock.js';
import {
  cannedPolicy,
  type EdgeDecision,
  LOCAL_SIGNING_KEY_FILE,
  type LocalSigningKey,
  loadOrCreateLocalSigningKey,
  type RunningLocalEdge,
  startLocalEdge,
  wildcardMatches,
} from '../../lambdas/local/edge.js';
import { MemorySmartBillGateStore, newGate } from '../../lambdas/smartbill/gate.js';

/** The edge's clock: tests move it to check expiry. */
let now = new Date('2026-11-22T12:00:00Z');
const EXPIRES = new Date('2026-12-22T12:00:00Z');
const PAGE = '<!doctype html><title>SmartBill</title><p>one line</p>';

let stateDir: string;
let signingKey: LocalSigningKey;
/** A second trusted key pair, so that "another key pair id" names a key the edge knows. */
let otherKey: { keyPairId: string; privateKeyPem: string };
let edge: RunningLocalEdge;
const pages = new Map<string, string>();
const decisions: EdgeDecision[] = [];
let storedKey: string;
const gate = new MemorySmartBillGateStore();
let pageKeyBase64: string;
/** The gated page's total charge (any amount: the gate test covers the forms). */
const TOTAL = '1234.56';

function generate(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A URL made by the AWS SDK's signer, as the pricing Lambda makes it. */
function sign(
  url: string,
  options: {
    key?: { keyPairId: string; privateKeyPem: string };
    expires?: Date;
    algorithm?: 'SHA1' | 'SHA256';
  } = {},
): string {
  const key = options.key ?? signingKey;
  return getSignedUrl({
    url,
    keyPairId: key.keyPairId,
    privateKey: key.privateKeyPem,
    dateLessThan: options.expires ?? EXPIRES,
    ...(options.algorithm === undefined ? {} : { algorithm: options.algorithm }),
  });
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch cannot set Host, and would normalise the URL). */
function get(url: string, options: { method?: string; host?: string; body?: string } = {}): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        // The raw path and query as signed, not re-encoded by URL.
        path: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
        headers: { host: options.host ?? target.host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function pageUrl(key = storedKey): string {
  return `${edge.url}/${key}`;
}

/** Replaces one query parameter's raw value. */
function withParam(url: string, name: string, value: string): string {
  return url.replace(new RegExp(`([?&]${name}=)[^&]*`), `$1${value}`);
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'wcbr-edge-'));
  signingKey = await loadOrCreateLocalSigningKey(stateDir);
  const other = generate();
  otherKey = { keyPairId: 'K2JCJMDEHXQW5F', privateKeyPem: other.privateKeyPem };
  storedKey = newSmartBillKey();
  pages.set(storedKey, PAGE);
  const created = newGate({
    pageId: pageIdOfKey(storedKey),
    tenantId: 'tenant-a',
    totalCharge: TOTAL,
    expiresAt: EXPIRES,
  });
  await gate.create(created.record);
  pageKeyBase64 = Buffer.from(created.key).toString('base64');
  edge = await startLocalEdge({
    store: { get: async (key) => pages.get(key) ?? null },
    gate,
    limiter: new UnlockRateLimiter(8, 60_000),
    publicKeys: new Map([
      [signingKey.keyPairId, signingKey.publicKeyPem],
      [otherKey.keyPairId, other.publicKeyPem],
    ]),
    clock: () => now,
    onDecision: (d) => decisions.push(d),
  });
});

afterAll(async () => {
  await edge?.stop();
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
});

describe('local edge', () => {
  describe('a URL signed by the AWS SDK signer with the trusted key', () => {
    it('is served with the page and the security headers', async () => {
      // Act
      const reply = await get(sign(pageUrl()));

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(PAGE);
      expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(reply.headers['cache-control']).toBe(SMARTBILL_CACHE_CONTROL);
      expect(reply.headers['cache-control']).toMatch(/\bprivate\b/);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['content-security-policy']).toBe(SMARTBILL_CONTENT_SECURITY_POLICY);
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it('is served through the project linker (CloudFrontUrlSigner) too', async () => {
      const linker = new CloudFrontUrlSigner({
        baseUrl: `${edge.url}/`,
        keyPairId: signingKey.keyPairId,
        privateKeyPem: signingKey.privateKeyPem,
      });
      const url = linker.signedUrl(storedKey, EXPIRES);
      // A custom policy: the page and its unlock endpoint under one signature (decision 009).
      expect(url.startsWith(`${edge.url}/${storedKey}?Policy=`)).toBe(true);
      expect(new URL(url).searchParams.get('Key-Pair-Id')).toBe(signingKey.keyPairId);
      expect((await get(url)).status).toBe(200);
    });

    it('is served when signed with SHA-256 (Hash-Algorithm=SHA256)', async () => {
      const url = sign(pageUrl(), { algorithm: 'SHA256' });
      expect(url).toContain('&Hash-Algorithm=SHA256');
      expect((await get(url)).status).toBe(200);
    });

    it('answers HEAD with the headers and no body', async () => {
      const reply = await get(sign(pageUrl()), { method: 'HEAD' });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
    });

    it('keeps the viewer own query parameters inside the signed resource', async () => {
      const url = sign(`${pageUrl()}?lang=en`);
      expect((await get(url)).status).toBe(200);
      expect((await get(url.replace('lang=en', 'lang=es'))).status).toBe(403);
    });

    it('is served until the second before Expires, and refused from Expires on', async () => {
      const url = sign(pageUrl());
      try {
        now = new Date(EXPIRES.getTime() - 1000);
        expect((await get(url)).status).toBe(200);
        now = EXPIRES;
        expect((await get(url)).status).toBe(403);
      } finally {
        now = new Date('2026-11-22T12:00:00Z');
      }
    });
  });

  describe('refusals (403)', () => {
    it('refuses a tampered signature', async () => {
      const url = sign(pageUrl());
      const signature = new URL(url).searchParams.get('Signature') ?? '';
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      expect((await get(withParam(url, 'Signature', flipped))).status).toBe(403);
      expect(decisions.at(-1)).toBe('bad-signature');
    });

    it('refuses a signature in another spelling than the canonical one', async () => {
      const url = sign(pageUrl());
      const signature = new URL(url).searchParams.get('Signature') ?? '';
      // 256 bytes end in "==" (CloudFront: "__"); dropping the padding decodes to the same bytes.
      expect(signature.endsWith('__')).toBe(true);
      expect((await get(withParam(url, 'Signature', signature.slice(0, -2)))).status).toBe(403);
    });

    it('refuses a tampered path, even to a page that exists, without telling whether it exists', async () => {
      const otherPage = newSmartBillKey();
      pages.set(otherPage, '<p>another bill</p>');
      const url = sign(pageUrl()).replace(storedKey, otherPage);
      const reply = await get(url);
      expect(reply.status).toBe(403);
      expect(reply.body).not.toContain('another bill');
    });

    it('refuses a changed Expires', async () => {
      const url = sign(pageUrl());
      expect((await get(withParam(url, 'Expires', String(EXPIRES.getTime() / 1000 + 3600)))).status).toBe(
        403,
      );
      expect((await get(withParam(url, 'Expires', String(EXPIRES.getTime() / 1000 - 1)))).status).toBe(403);
    });

    it('refuses another key pair id of the key group, and a key pair id it does not trust', async () => {
      const url = sign(pageUrl());
      expect((await get(withParam(url, 'Key-Pair-Id', otherKey.keyPairId))).status).toBe(403);
      expect(decisions.at(-1)).toBe('bad-signature');
      expect((await get(withParam(url, 'Key-Pair-Id', 'KUNKNOWN000000'))).status).toBe(403);
      expect(decisions.at(-1)).toBe('unknown-key-pair');
    });

    it('refuses a URL signed with a key outside the key group under a trusted id', async () => {
      const stranger = { keyPairId: signingKey.keyPairId, privateKeyPem: generate().privateKeyPem };
      expect((await get(sign(pageUrl(), { key: stranger }))).status).toBe(403);
    });

    it('refuses an unsigned request to a page that exists and to one that does not, alike', async () => {
      const existing = await get(pageUrl());
      const missing = await get(pageUrl(newSmartBillKey()));
      expect(existing.status).toBe(403);
      expect(missing.status).toBe(403);
      expect(existing.body).toBe(missing.body);
      // A plain page that says what to do (issue 15), nothing of the page itself.
      expect(existing.body).toContain('This link is not valid');
      expect(existing.body).not.toContain('one line');
    });

    it('refuses a URL that lacks one of the three parameters', async () => {
      const url = sign(pageUrl());
      for (const name of ['Expires', 'Signature', 'Key-Pair-Id']) {
        const without = url.replace(new RegExp(`[?&]${name}=[^&]*`), '').replace(/\.html&/, '.html?');
        expect((await get(without)).status, name).toBe(403);
      }
    });

    it('refuses an expired URL (clock after Expires)', async () => {
      const url = sign(pageUrl(), { expires: new Date('2026-11-22T11:00:00Z') });
      expect((await get(url)).status).toBe(403);
      expect(decisions.at(-1)).toBe('expired');
    });

    it('refuses an added query parameter, a repeated signing parameter and another host', async () => {
      const url = sign(pageUrl());
      expect((await get(`${url}&download=1`)).status).toBe(403);
      expect((await get(`${url}&Expires=${EXPIRES.getTime() / 1000}`)).status).toBe(403);
      expect((await get(url, { host: `localhost:${edge.port}` })).status).toBe(403);
    });

    it('refuses a method other than GET and HEAD', async () => {
      expect((await get(sign(pageUrl()), { method: 'POST' })).status).toBe(403);
    });

    it('gives every refusal the same body', async () => {
      const url = sign(pageUrl());
      const bodies = await Promise.all(
        [pageUrl(), withParam(url, 'Expires', '1'), withParam(url, 'Key-Pair-Id', 'KX'), `${url}&x=1`].map(
          async (u) => (await get(u)).body,
        ),
      );
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).not.toMatch(/signature|expire[ds]? at|key pair/i);
    });
  });

  describe('a validly signed URL for a page that does not exist', () => {
    it('is 404', async () => {
      const reply = await get(sign(pageUrl(newSmartBillKey())));
      expect(reply.status).toBe(404);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    });

    it('is 404 for a path that is no page key at all', async () => {
      expect((await get(sign(`${edge.url}/smartbills/../state.json`))).status).toBe(404);
    });
  });

  describe('the unlock endpoint (POST smartbills/<id>.unlock under the page link)', () => {
    const linked = () =>
      new CloudFrontUrlSigner({
        baseUrl: edge.url,
        keyPairId: signingKey.keyPairId,
        privateKeyPem: signingKey.privateKeyPem,
      }).signedUrl(storedKey, EXPIRES);
    const unlockUrl = (url: string) => url.replace('.html?', '.unlock?');
    const post = (url: string, amount: string) =>
      get(url, { method: 'POST', body: JSON.stringify({ amount }) });

    it('answers the key for the right amount under the page link, and the page under the same link', async () => {
      const url = linked();
      expect((await get(url)).status).toBe(200);
      const reply = await post(unlockUrl(url), '$1,234.56');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ status: 'open', key: pageKeyBase64 });
      expect(reply.headers['cache-control']).toMatch(/no-store/);
    });

    it('refuses an unsigned or tampered request before looking at the amount (403, HTML)', async () => {
      const url = unlockUrl(linked());
      const unsigned = await post(url.slice(0, url.indexOf('?')), TOTAL);
      expect(unsigned.status).toBe(403);
      expect(unsigned.headers['content-type']).toMatch(/text\/html/);
      expect((await post(withParam(url, 'Signature', 'AAAA'), TOTAL)).status).toBe(403);
      expect(gate.peek(pageIdOfKey(storedKey))?.attempts).toBe(0);
    });

    it("refuses one page's link for another page's unlock endpoint, and a canned link for the page alone", async () => {
      const other = newSmartBillKey();
      const url = unlockUrl(linked()).replace(pageIdOfKey(storedKey), pageIdOfKey(other));
      expect((await post(url, TOTAL)).status).toBe(403);
      // A canned policy names one resource: the page's canned link does not open its unlock endpoint.
      expect((await post(unlockUrl(sign(pageUrl())), TOTAL)).status).toBe(403);
    });

    it('answers 403 with the tries left for a wrong amount, 400 for no amount', async () => {
      const url = unlockUrl(linked());
      const wrong = await post(url, '1.00');
      expect([wrong.status, JSON.parse(wrong.body).status]).toEqual([403, 'mismatch']);
      expect((await get(url, { method: 'POST', body: 'nope' })).status).toBe(400);
      // Give the attempt back for the next tests.
      expect((await post(url, TOTAL)).status).toBe(200);
    });

    it('limits one client to its rate (429 with Retry-After)', async () => {
      const url = unlockUrl(linked());
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await post(url, TOTAL)).status);
      expect(statuses).toContain(429);
      expect(decisions).toContain('rate-limited');
    });
  });

  describe('custom policy resources', () => {
    it('match * as any run and ? as one character, everything else literally', () => {
      expect(wildcardMatches('https://h/smartbills/abc.*', 'https://h/smartbills/abc.unlock')).toBe(true);
      expect(wildcardMatches('https://h/smartbills/abc.*', 'https://h/smartbills/abcd.html')).toBe(false);
      expect(wildcardMatches('https://h/a?c', 'https://h/abc')).toBe(true);
      expect(wildcardMatches('https://h/a.c', 'https://h/abc')).toBe(false);
    });
  });

  describe('canned policy', () => {
    it('is the JSON of the CloudFront documentation, with no white space', () => {
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html
      expect(
        cannedPolicy('https://d111111abcdef8.cloudfront.net/image.jpg?color=red&size=medium', 1767290400),
      ).toBe(
        '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/image.jpg?color=red&size=medium","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}',
      );
    });
  });

  describe('local signing key', () => {
    it('is RSA 2048 in a 0600 file, and the same key on every later call', async () => {
      const file = join(stateDir, LOCAL_SIGNING_KEY_FILE);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(signingKey.keyPairId).toMatch(/^K[0-9A-F]{13}$/);
      expect(signingKey.privateKeyPem).toContain('BEGIN PRIVATE KEY');
      expect(signingKey.publicKeyPem).toContain('BEGIN PUBLIC KEY');
      expect(await loadOrCreateLocalSigningKey(stateDir)).toEqual(signingKey);
    });

    it('ends with one key when several processes create it at once', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wcbr-edge-key-'));
      try {
        const keys = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateLocalSigningKey(dir)));
        expect(new Set(keys.map((k) => k.keyPairId)).size).toBe(1);
        expect(await loadOrCreateLocalSigningKey(dir)).toEqual(keys[0]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
