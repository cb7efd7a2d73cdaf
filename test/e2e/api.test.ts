/**
 * The real API end to end, as `npm start` runs it: the local stack with the real route table and
 * handlers, the sample index, cognito-local tokens. Covers the auth matrix on the real routes
 * and the contract a client sees (status codes, error bodies, request ids, OpenAPI).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fee-data/paths.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { expectDocumented } from './support/documented.js';
import { startTestStack } from './support/stack.js';
import { accessClaims, signWithForeignKey, signWithStackKey } from './support/tokens.js';

let stack: LocalStack;
let userToken: string;

const example = (name: string) => readFileSync(path.join(REPO_ROOT, 'examples', 'bills', name), 'utf8');

async function post(pathName: string, body: string, token?: string) {
  const response = await fetch(`${stack.url}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const answer = (await response.json()) as Record<string, unknown>;
  expectDocumented('POST', pathName, response.status, answer);
  return { status: response.status, body: answer, headers: response.headers };
}

async function get(pathName: string, token?: string) {
  const response = await fetch(`${stack.url}${pathName}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as Record<string, unknown>;
  // Every answer of this file is one /openapi.json declares.
  expectDocumented('GET', pathName, response.status, body);
  return { status: response.status, body };
}

beforeAll(async () => {
  stack = await startTestStack({
    stateDir: mkdtempSync(path.join(os.tmpdir(), 'wcbr-e2e-')),
  });
  userToken = await stack.token('user');
});

afterAll(async () => {
  await stack?.stop();
});

describe('the API through the local stack', () => {
  describe('auth matrix on POST /v1/bills/price', () => {
    const bill = () => example('office-visit.json');

    it('refuses a request without a token: 401', async () => {
      expect((await post('/v1/bills/price', bill())).status).toBe(401);
    });

    it('refuses an expired token: 401', async () => {
      const token = signWithStackKey(
        stack,
        accessClaims({
          issuer: stack.issuer,
          clientId: stack.state.machineClient.clientId,
          scope: 'wcbr/bills:price',
          iat: Math.floor(Date.now() / 1000) - 7200,
          lifetime: 3600,
        }),
      );
      expect((await post('/v1/bills/price', bill(), token)).status).toBe(401);
    });

    it('refuses a token for another audience (a client that is not ours) and one signed by another key: 401', async () => {
      const claims = accessClaims({
        issuer: stack.issuer,
        clientId: 'not-one-of-our-clients',
        scope: 'wcbr/bills:price',
      });
      expect((await post('/v1/bills/price', bill(), signWithStackKey(stack, claims))).status).toBe(401);
      const forged = accessClaims({
        issuer: stack.issuer,
        clientId: stack.state.machineClient.clientId,
        scope: 'wcbr/bills:price',
      });
      expect((await post('/v1/bills/price', bill(), signWithForeignKey(forged))).status).toBe(401);
    });

    it('refuses a valid token without the scope: 403', async () => {
      const token = await stack.token('client', { scopes: ['wcbr/fee-schedules:read'] });
      const response = await post('/v1/bills/price', bill(), token);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403 });
    });

    it('prices with a user token from a TOTP MFA sign-in and with a client-credentials token', async () => {
      const asUser = await post('/v1/bills/price', bill(), userToken);
      expect(asUser.status).toBe(200);
      expect(asUser.body.totals).toMatchObject({ billed: '150.00', allowed: '88.82' });
      const asClient = await post('/v1/bills/price', bill(), await stack.token('client'));
      expect(asClient.status).toBe(200);
      expect(asClient.body.requestId).toBe(asClient.headers.get('x-request-id') ?? asClient.body.requestId);
    });
  });

  describe('what a client sees', () => {
    it('prices the README examples', async () => {
      const many = await post('/v1/bills/price', example('imaging-and-therapy.json'), userToken);
      expect(many.status).toBe(200);
      const lines = many.body.lines as { code: string; status: string; allowed: string | null }[];
      expect(lines).toHaveLength(10);
      // OPPSCAP_Oct2025.csv line 3797: 73200 in carrier 01112 locality 05 (ZIP 94105) = 202.67; it
      // is the second imaging procedure of the day (after 72148), so its TC and PC are reduced (CARC 59).
      expect(lines[3]).toMatchObject({ code: '73200', feeSchedule: { unitAmount: '202.67' } });
      const imaging = lines[3] as unknown as { adjustments: { carc: string; bucket: string }[] };
      expect(imaging.adjustments).toContainEqual(
        expect.objectContaining({ carc: '59', bucket: 'billReview' }),
      );
      const noEdition = await post('/v1/bills/price', example('no-edition.json'), userToken);
      expect((noEdition.body.lines as { status: string }[]).map((l) => l.status)).toEqual([
        'priced',
        'unpriced',
        'unpriced',
      ]);
      const claim = await post('/v1/bills/price', example('claim-837p.json'), userToken);
      expect(claim.status).toBe(200);
    });

    it('answers ?explain=summary: the same amounts in a fraction of the bytes', async () => {
      const full = await post('/v1/bills/price', example('imaging-and-therapy.json'), userToken);
      const summary = await post(
        '/v1/bills/price?explain=summary',
        example('imaging-and-therapy.json'),
        userToken,
      );
      expect(summary.status).toBe(200);
      expect(summary.body.explain).toBe('summary');
      expect(summary.body.totals).toEqual(full.body.totals);
      type Line = { allowed: string | null; adjustments: { amount: string; carc: string }[] };
      const amounts = (lines: unknown) =>
        (lines as Line[]).map((l) => [l.allowed, l.adjustments.map((a) => [a.amount, a.carc])]);
      expect(amounts(summary.body.lines)).toEqual(amounts(full.body.lines));
      expect(JSON.stringify(summary.body).length * 3).toBeLessThan(JSON.stringify(full.body).length);
      // A link where the full answer has one (this stack runs without SmartBill; the page's own
      // bill at every level is checked in test/handlers/price-explain.test.ts).
      expect('smartBill' in summary.body).toBe('smartBill' in full.body);
    });

    it('prices the facility examples: an outpatient bill, a surgery-centre bill and an inpatient 837I claim', async () => {
      /*
       * The main lines are priced, each amount worked from the official rows the sample holds:
       * - facility-outpatient.json (US-MEDICARE, Atlanta CBSA 12054, 2025-03-04):
       *   OPPS_Addendum_B_2025_January_derived.csv line 3526: 29881, J1, APC 5113, 3244.61;
       *   cms-pricer/cbsa-wage-index-2025.csv line 78: 12054 Atlanta 0.9916 (above Georgia's rural
       *   0.7948, line 12). 0.60 × 0.9916 + 0.40 = 0.99496; 3244.61 × 0.99496 = 3228.2571656
       *   → 3228.26. The J1 packages the other five lines of the claim (0.00 each).
       * - facility-asc.json (TX, Austin CBSA 12420, 2025-10-14; 28 TAC §134.402(f)(1): 2.35 ×):
       *   ASC_Addendum_AA_2025Q4_Oct.csv line 1881: 29881, A2, 1579.16; line 613: 20610, P3, 33.64;
       *   ASC_wage_index_CY2025.txt line 107: 12420 Austin 0.988: 0.50 × 0.988 + 0.50 = 0.994.
       *   29881: 1579.16 × 0.994 = 1569.68504 → 1569.69; × 2.35 = 3688.7715 → 3688.77.
       *   20610: 33.64 × 0.994 = 33.43816 → 33.44, second procedure at 50%: 16.72; × 2.35 =
       *   39.292 → 39.29. 36415 is on neither Addendum AA nor BB: 0.00. Total 3728.06.
       * - facility-inpatient-837i.json (GA, MS-DRG 470): state-wc/GA/csv/Inpatient_Hospital.csv
       *   line 378: 470, 18260.66 for the stay, put on the lines by charge.
       */
      const expected = {
        'facility-outpatient.json': { billType: 'outpatient', allowed: '3228.26', first: '3228.26' },
        'facility-asc.json': { billType: 'asc', allowed: '3728.06', first: '3688.77' },
        'facility-inpatient-837i.json': { billType: 'inpatient', allowed: '18260.66', first: undefined },
      } as const;
      for (const [name, want] of Object.entries(expected)) {
        const priced = await post('/v1/bills/price', example(name), userToken);
        expect(priced.status, name).toBe(200);
        expect(priced.body.billType, name).toBe(want.billType);
        const lines = priced.body.lines as {
          status: string;
          allowed: string | null;
          facility?: { revenueCode: string | null };
        }[];
        expect(
          lines.every((l) => l.facility !== undefined),
          name,
        ).toBe(true);
        expect(
          lines.some((l) => l.status === 'unpriced'),
          name,
        ).toBe(false);
        expect((priced.body.totals as { allowed: string }).allowed, name).toBe(want.allowed);
        if (want.first !== undefined) expect(lines[0]?.allowed, name).toBe(want.first);
      }
    });

    it('answers malformed JSON 400, field errors 422 and an 11 MB body 413, with the error shape', async () => {
      const malformed = await post('/v1/bills/price', '{"lines": [', userToken);
      expect(malformed.status).toBe(400);
      expect(Object.keys(malformed.body).sort()).toEqual([
        'developerMessage',
        'errors',
        'requestId',
        'statusCode',
        'userMessage',
      ]);
      const invalid = await post(
        '/v1/bills/price',
        JSON.stringify({ jurisdiction: 'US-MEDICARE', lines: [] }),
        userToken,
      );
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors).toEqual([
        { field: 'lines', errorMessage: 'a bill needs at least one line' },
      ]);
      const huge = await post('/v1/bills/price', `{"x":"${'a'.repeat(11 * 1024 * 1024)}"}`, userToken);
      expect(huge.status).toBe(413);
    });

    it('looks up a fee, answers health without a token and serves the OpenAPI document', async () => {
      const fee = await get(
        '/v1/fee-schedules/US-MEDICARE/72148?modifier=26&date=2025-03-04&zip=19901',
        userToken,
      );
      // 72148-26, PPRRVU2025_Oct.csv line 7836: (1.48×1.009 + 0.54×0.992 + 0.07×0.949) × 32.3465 = 67.7798 → 67.78
      expect(fee.body).toMatchObject({ amount: '67.78', modifier: '26' });
      const health = await get('/v1/health');
      expect(health.status).toBe(200);
      // The data release the local stack's index is (issue 20): what its header records.
      expect(health.body.dataRelease).toEqual({
        id: expect.stringMatching(/^r[0-9a-f]{12}$/),
        builtAt: expect.any(String),
      });
      // The document holds no data: a client reads it before it has a token.
      const doc = await get('/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths as object).sort()).toEqual([
        '/analytics',
        '/openapi.json',
        '/v1/analytics',
        '/v1/analytics/benchmarks',
        '/v1/analytics/kpis',
        '/v1/batches',
        '/v1/batches/{id}',
        '/v1/bills/price',
        '/v1/fee-schedules/{jurisdiction}/{code}',
        '/v1/health',
        '/v1/jurisdictions',
        '/v1/jurisdictions/{id}',
        '/v1/reason-codes',
        // Recon is off in this stack (its routes answer 404), but the document describes the API.
        '/v1/recons',
        '/v1/recons/{controlNumber}',
        '/v1/recons/{controlNumber}/sequences/{sequence}',
        '/v1/smartbills/{id}',
        '/v1/x12/acknowledgments',
      ]);
      const catalogue = await get('/v1/reason-codes', userToken);
      expect(catalogue.status).toBe(200);
      const codes = catalogue.body.reasonCodes as { internalCode: string; carc: string; rarc?: string }[];
      expect(codes).toContainEqual(expect.objectContaining({ internalCode: 'BR-NCCI-PTP', carc: '236' }));
      expect(codes).toContainEqual(
        expect.objectContaining({ internalCode: 'BR-GLOBAL-SURGERY', carc: '97', rarc: 'M144' }),
      );
      expect((await get('/v1/reason-codes')).status).toBe(401);
      const list = await get('/v1/jurisdictions', userToken);
      const ids = (list.body.jurisdictions as { id: string }[]).map((j) => j.id);
      expect(ids).toHaveLength(53);
      expect(ids).toEqual(expect.arrayContaining(['AZ', 'DC', 'TX', 'US-OWCP', 'US-MEDICARE']));
      const az = await get('/v1/jurisdictions/az', userToken);
      expect(az.body.jurisdiction).toMatchObject({
        id: 'AZ',
        billTypes: { professional: { method: 'state-table' } },
      });
      expect((await get('/v1/jurisdictions/ZZ', userToken)).status).toBe(404);
    });

    it('decodes path parameters once: %25 is the parameter "%" (not a 500), malformed encoding a 400 naming it', async () => {
      // Each answered 500 before: the adapter decoded %25 to "%", the handler decoded "%" again.
      const jurisdiction = await get('/v1/jurisdictions/%25', userToken);
      expect(jurisdiction.status).toBe(404);
      expect(jurisdiction.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
      const fee = await get('/v1/fee-schedules/%25/99213?zip=19901', userToken);
      expect(fee.status).toBe(422);
      expect(fee.body.errors).toEqual([expect.objectContaining({ field: 'jurisdiction' })]);
      // %2541%255A is "%41%5A", which a second decoding turned into "AZ".
      expect((await get('/v1/jurisdictions/%2541%255A', userToken)).status).toBe(404);
      for (const [pathName, field] of [
        ['/v1/jurisdictions/%E0', 'id'],
        ['/v1/jurisdictions/%', 'id'],
        ['/v1/fee-schedules/US-MEDICARE/%C0%AF', 'code'],
        ['/v1/fee-schedules/%ZZ/99213', 'jurisdiction'],
      ] as const) {
        const bad = await get(pathName, userToken);
        expect(bad.status, pathName).toBe(400);
        expect(bad.body, pathName).toMatchObject({
          statusCode: 400,
          errors: [{ field, errorMessage: 'must be percent-encoded UTF-8 (write % itself as %25)' }],
        });
      }
      // Encoded the ordinary way, a parameter still works.
      expect((await get('/v1/jurisdictions/US%2DMEDICARE', userToken)).status).toBe(200);
    });

    it('answers a body that is not sent as application/json with 415, as curl -d and a bare fetch send it', async () => {
      const bill = example('office-visit.json');
      for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
        const response = await fetch(`${stack.url}/v1/bills/price`, {
          method: 'POST',
          headers: { authorization: `Bearer ${userToken}`, 'content-type': type },
          body: bill,
        });
        const body = await response.json();
        expect(response.status, type).toBe(415);
        expect(body).toMatchObject({ statusCode: 415, errors: [{ field: 'Content-Type' }] });
        expectDocumented('POST', '/v1/bills/price', 415, body);
      }
      const charset = await fetch(`${stack.url}/v1/bills/price`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json; charset=utf-8' },
        body: bill,
      });
      expect(charset.status).toBe(200);
    });
  });
});

describe('client input that used to answer 500 (issue 15, item 3)', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'valueOf'];

  it('answers headers and query parameters named like prototype members on every route, never 500', async () => {
    const query = NAMES.map((name, i) => `${name}=${i}`).join('&');
    const headers = Object.fromEntries(NAMES.map((name) => [name, 'x']));
    const paths: [string, string][] = [
      ['GET', '/v1/health'],
      ['GET', '/openapi.json'],
      ['GET', '/v1/jurisdictions'],
      ['GET', '/v1/jurisdictions/AZ'],
      ['GET', '/v1/reason-codes'],
      ['GET', '/v1/fee-schedules/US-MEDICARE/99213'],
      ['POST', '/v1/bills/price'],
    ];
    for (const [method, pathName] of paths) {
      const response = await fetch(`${stack.url}${pathName}?${query}`, {
        method,
        headers: { ...headers, authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: example('office-visit.json') } : {}),
      });
      await response.text();
      expect(response.status, `${method} ${pathName}`).toBeLessThan(500);
    }
  });

  it('refuses a body nested 5,000 deep with 400 naming body', async () => {
    const deep = `{"lines":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const answer = await post('/v1/bills/price', deep, userToken);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ field: 'body' }] });
  });

  it.each(['US-MEDICARE', 'CA', 'TX', 'HI', 'NY'])(
    'answers E0114 in %s without a date on the latest DMEPOS edition',
    async (jurisdiction) => {
      const answer = await get(`/v1/fee-schedules/${jurisdiction}/E0114?zip=19901`, userToken);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ date: '2026-01-01', dateDefaulted: true });
    },
  );

  it('answers malformed percent-encoding in the path with 400', async () => {
    const answer = await get('/v1/fee-schedules/US-MEDICARE/%C0%AF', userToken);
    expect(answer.status).toBe(400);
  });

  it('compresses an answer of 1 KiB or more with gzip or deflate when the client accepts it, as API Gateway does', async () => {
    // Raw HTTP (fetch would decompress on its own and hide the headers).
    const raw = (pathName: string, acceptEncoding?: string) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
        (resolve, reject) => {
          const req = request(`${stack.url}${pathName}`, {
            headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
          });
          req.on('response', (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          });
          req.on('error', reject);
          req.end();
        },
      );
    const plain = await raw('/openapi.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const gz = await raw('/openapi.json', 'br;q=1, gzip;q=0.5');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const deflated = await raw('/openapi.json', 'deflate');
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(deflated.body).equals(plain.body)).toBe(true);
    // br alone, gzip refused by q=0, or an answer under 1 KiB: sent as it is.
    for (const [pathName, encoding] of [
      ['/openapi.json', 'br'],
      ['/openapi.json', 'gzip;q=0'],
      ['/v1/health', 'gzip'],
    ] as const) {
      expect((await raw(pathName, encoding)).headers['content-encoding']).toBeUndefined();
    }
  });
});
