/**
 * `wcbr recons export --deidentified` end to end: Recons submitted through the local stack
 * (DynamoDB Local, moto's KMS, the ASL workflow), exported by the CLI command from the stack's
 * environment, and checked for HIPAA Safe Harbor (45 CFR § 164.514(b)(2)). A missing Java or moto
 * fails every test here (beforeAll throws), never skips.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openJson } from '../../lambdas/adapters/envelope.js';
import type { DeidentifiedRecord } from '../../lambdas/app/recon/deidentify.js';
import { exportDeidentified } from '../../lambdas/app/recon/export.js';
import { RECON_ENV, reconDependencies } from '../../lambdas/handlers/shared/recon-deps.js';
import {
  ReconsUsageError,
  reconExportEnvironment,
  reconsCommand,
} from '../../lambdas/local/recon-export-cli.js';
import type { LocalStack } from '../../lambdas/local/stack.js';
import { startLocalStack } from '../../lambdas/local/stack.js';
import { STATE_VERSION, writeState } from '../../lambdas/local/state.js';
import { sampleIndexFile } from '../support/fee-index.js';

let stack: LocalStack;
let machineToken: string;
let userToken: string;
let tenant: string;
let dir: string;
let envFile: string;

const PATIENT = {
  firstName: 'Theodora',
  lastName: 'Vantongeren',
  birthDate: '1931-05-17',
  memberId: 'MBR-VT-220917',
  ssn: '219-09-9999',
  address: { line1: '17 Juniper Hollow', line2: 'Unit 4B', city: 'Camden', state: 'DE', zip: '19934' },
};
const SECOND_PATIENT = {
  firstName: 'Augustin',
  lastName: 'Pemberwick',
  birthDate: '1988-11-03',
  memberId: 'MBR-PW-55310',
  ssn: '123-45-6789',
  address: { line1: '3 Shoreline Court', city: 'Lewes', state: 'DE', zip: '82101' },
};
const CLAIM = {
  claimNumber: 'CLM-VT-90210',
  injuryDate: '2025-02-11',
  employer: { name: 'Juniper Hollow Cannery', address: { line1: '1 Cannery Row', zip: '19934' } },
};
const CONTROL_NUMBERS = ['CN-EXPORT-VT-1', 'CN-EXPORT-PW-2'];

function recon(controlNumber: string, sequence: number, patient: object, charge: string) {
  return {
    controlNumber,
    sequence,
    billId: `BILL-${controlNumber}-${sequence}`,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901', name: 'Camden Spine and Joint' },
    billingProvider: { npi: '1234567893', zip: '19901', name: 'Dr Lucinda Farrow', taxId: '51-7654321' },
    patient,
    claim: CLAIM,
    lines: [
      { lineNumber: 1, code: '99213', dateOfService: '2025-03-04', units: 1, charge },
      { lineNumber: 2, code: '97110', dateOfService: '2025-03-05', units: 1, charge: '50.00' },
    ],
    internalNote: 'call Theodora at home',
  };
}

/** Every identifier the submissions carry, in clear. */
const IDENTIFIERS = [
  ...[PATIENT, SECOND_PATIENT].flatMap((p) => [
    p.firstName,
    p.lastName,
    p.birthDate,
    p.memberId,
    p.ssn,
    p.ssn.replaceAll('-', ''),
    p.address.line1,
    p.address.city,
    p.address.zip,
  ]),
  PATIENT.address.line2,
  CLAIM.claimNumber,
  CLAIM.injuryDate,
  CLAIM.employer.name,
  CLAIM.employer.address.line1,
  ...CONTROL_NUMBERS,
  'BILL-CN-EXPORT',
  '1234567893',
  '19901',
  '51-7654321',
  'Dr Lucinda Farrow',
  'Camden Spine',
  '2025-03-04',
  '2025-03-05',
  'call Theodora',
];

async function submit(token: string, body: object): Promise<number> {
  const response = await fetch(`${stack.url}/v1/recons`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

function readLines(file: string): DeidentifiedRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DeidentifiedRecord);
}

beforeAll(async () => {
  process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-recon-export-'));
  stack = await startLocalStack({
    port: 0,
    cognitoPort: 0,
    stateDir: path.join(dir, 'state'),
    feeIndexPath: sampleIndexFile(),
    quiet: true,
    recon: { keys: 'kms' },
  });
  machineToken = await stack.token('client');
  userToken = await stack.token('user');
  // A machine client is its own tenant (lambdas/app/tenant.ts).
  tenant = stack.state.machineClient.clientId;
  envFile = path.join(dir, 'recon-env.json');
  writeFileSync(envFile, JSON.stringify(stack.recon?.environment));

  const [first, second] = CONTROL_NUMBERS as [string, string];
  expect(await submit(machineToken, recon(first, 1, PATIENT, '80.00'))).toBe(201);
  expect(await submit(machineToken, recon(first, 2, PATIENT, '70.00'))).toBe(201);
  expect(await submit(machineToken, recon(second, 1, SECOND_PATIENT, '90.00'))).toBe(201);
  // Another tenant's Recon (the dev user's tenant group) must never be in this tenant's export.
  expect(await submit(userToken, recon('CN-EXPORT-OTHER-TENANT', 1, PATIENT, '80.00'))).toBe(201);
});

afterAll(async () => {
  await stack?.stop();
});

describe('wcbr recons export --deidentified', () => {
  it('writes one de-identified JSON line per stored sequence of the tenant, to --out', async () => {
    // Prepare
    const out = path.join(dir, 'export.jsonl');
    // Act
    const code = await reconsCommand([
      'export',
      '--deidentified',
      '--tenant',
      tenant,
      '--out',
      out,
      '--env-from',
      envFile,
    ]);
    // Assess
    expect(code).toBe(0);
    const records = readLines(out);
    expect(records).toHaveLength(3);
    const byPseudonym = new Map<string, DeidentifiedRecord[]>();
    for (const r of records)
      byPseudonym.set(r.controlNumber, [...(byPseudonym.get(r.controlNumber) ?? []), r]);
    expect(byPseudonym.size).toBe(2);
    const [firstBill, secondBill] = [...byPseudonym.values()].sort((a, b) => b.length - a.length) as [
      DeidentifiedRecord[],
      DeidentifiedRecord[],
    ];
    expect(firstBill.map((r) => [r.sequence, r.latest]).sort()).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(secondBill.map((r) => [r.sequence, r.latest])).toEqual([[1, true]]);

    const latest = firstBill.find((r) => r.sequence === 2) as DeidentifiedRecord;
    expect(latest).toMatchObject({
      schema: 'wcbr.recon.deidentified/1',
      jurisdiction: 'US-MEDICARE',
      storedYear: new Date().getUTCFullYear(),
      // Born 1931, served 2025: 94, aggregated into 90+ with the birth year omitted.
      patient: { age: '90+', birthYear: null, zip3: '199', state: 'DE' },
      claim: { injuryYear: 2025 },
      providers: { billingProvider: { zip3: '199' }, serviceFacility: { zip3: '199' } },
      location: { zip3: '199', source: 'serviceFacility' },
      serviceYears: { first: 2025, last: 2025 },
      // 99213 billed 70.00 against 80.00 allowed before (lesser of billed and 88.82; see recon.test.ts).
      delta: { againstSequence: 1, total: '-10.00', direction: 'overpayment' },
    });
    expect(latest.lines.map((l) => [l.code, l.serviceYear, l.billed])).toEqual([
      ['99213', 2025, '70.00'],
      ['97110', 2025, '50.00'],
    ]);
    // 821 is one of the three-digit ZIPs HHS lists as 20,000 people or fewer (guidance § 3.4).
    expect(secondBill[0]?.patient).toEqual({ age: 37, birthYear: 1988, zip3: '000', state: 'DE' });

    const text = readFileSync(out, 'utf8');
    for (const identifier of IDENTIFIERS) expect(text).not.toContain(identifier);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toContain('CN-EXPORT-OTHER-TENANT');
  });

  it('writes to stdout by default, from the environment when it names the Recon table', async () => {
    expect(process.env[RECON_ENV.tableName]).toBeTruthy(); // the local stack set it for its handlers
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await reconsCommand(['export', '--deidentified', '--tenant', tenant]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const lines = chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{"schema":'));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jurisdiction: 'US-MEDICARE' });
  });

  it('refuses without --deidentified, and writes nothing', async () => {
    const out = path.join(dir, 'refused.jsonl');
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      errors.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await reconsCommand(['export', '--tenant', tenant, '--out', out, '--env-from', envFile]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(2);
    expect(errors.join('')).toMatch(/de-identified data only: pass --deidentified/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an export without a tenant, or of another command', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await reconsCommand(['export', '--deidentified', '--env-from', envFile])).toBe(2);
      expect(await reconsCommand(['import', '--deidentified'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('exportDeidentified', () => {
  it('pages through control numbers and sequences; pseudonyms are per run, consistent within it', async () => {
    const deps = reconDependencies({ ...process.env, ...stack.recon?.environment });
    const runs: DeidentifiedRecord[][] = [[], []];
    for (const records of runs) {
      const summary = await exportDeidentified(deps, tenant, (r) => void records.push(r), { pageSize: 1 });
      expect(summary).toEqual({ controlNumbers: 2, sequences: 3 });
    }
    const [one, two] = runs as [DeidentifiedRecord[], DeidentifiedRecord[]];
    expect(new Set(one.map((r) => r.controlNumber)).size).toBe(2);
    for (const pseudonym of one.map((r) => r.controlNumber)) {
      expect(pseudonym).toMatch(/^[0-9a-f-]{36}$/);
      expect(two.map((r) => r.controlNumber)).not.toContain(pseudonym);
    }
  });

  it('opens each sequence under its own encryption context only (a wrong tenant reads nothing)', async () => {
    const deps = reconDependencies({ ...process.env, ...stack.recon?.environment });
    const written: unknown[] = [];
    expect(await exportDeidentified(deps, 'tenant-with-nothing', (r) => void written.push(r))).toEqual({
      controlNumbers: 0,
      sequences: 0,
    });
    expect(written).toEqual([]);
    // The envelope refuses a box opened under another context, so the export cannot cross tenants.
    const page = await deps.store.listControlNumbers(tenant, { limit: 1 });
    const first = page.items[0];
    const item = first && (await deps.store.getSequence(tenant, first.controlNumber, first.pointer.sequence));
    expect(item).toBeTruthy();
    await expect(
      openJson(
        deps.keys,
        { tenant: 'someone-else', controlNumber: first?.controlNumber ?? '', sequence: '1' },
        item?.sealed as never,
      ),
    ).rejects.toThrow();
  });
});

describe('reconExportEnvironment', () => {
  it('reads the Recon environment the running local stack records in its state file', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-export-state-'));
    await writeState(stateDir, {
      ...stack.state,
      version: STATE_VERSION,
      api: { url: stack.url, pid: process.pid },
      // The field the stack would add: `recon: { environment }`.
      ...({ recon: { environment: stack.recon?.environment } } as object),
    });
    const env = await reconExportEnvironment({ stateDir }, {});
    expect(env[RECON_ENV.tableName]).toBe(stack.recon?.environment[RECON_ENV.tableName]);
    expect(env[RECON_ENV.kmsKeyId]).toBe(stack.recon?.environment[RECON_ENV.kmsKeyId]);
  });

  it('says what to do when nothing names a Recon table', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-export-state-'));
    await expect(reconExportEnvironment({ stateDir }, {})).rejects.toThrow(ReconsUsageError);
    // A running stack without Recon records no Recon environment.
    const { recon: _recon, ...withoutRecon } = stack.state;
    await writeState(stateDir, { ...withoutRecon, api: { url: stack.url, pid: process.pid } });
    await expect(reconExportEnvironment({ stateDir }, {})).rejects.toThrow(/pass --env-from FILE/);
    // The local stack records it, so `wcbr recons export` finds the running stack's table and key.
    await writeState(stateDir, { ...stack.state, api: { url: stack.url, pid: process.pid } });
    await expect(reconExportEnvironment({ stateDir }, {})).resolves.toMatchObject({
      RECON_TABLE_NAME: 'wcbr-recons',
    });
  });
});

describe('short control numbers and bill ids (issue 15, item 3)', () => {
  it('exports a Recon whose control number and bill id are "7" with random pseudonyms that hold a 7', async () => {
    // The dev user's tenant ("local", its tenant-local group): kept apart from the machine tenant.
    const short = { ...recon('7', 1, SECOND_PATIENT, '60.00'), billId: '7' };
    expect(await submit(userToken, short)).toBe(201);
    const deps = reconDependencies({ ...process.env, ...stack.recon?.environment });
    const records: DeidentifiedRecord[] = [];
    // Before, a random UUID holding a "7" anywhere (three in four do) was taken as derived from
    // the control number "7" and the whole export aborted; this source always holds one.
    const held = '7b7c7d7e-0000-4000-8000-000000000007';
    const summary = await exportDeidentified(deps, 'local', (r) => void records.push(r), {
      pseudonym: () => held,
    });
    expect(summary.sequences).toBeGreaterThanOrEqual(1);
    expect(records.map((r) => r.controlNumber)).toContain(held);
    expect(JSON.stringify(records)).not.toContain('"7"');

    // And through the CLI, with its own random pseudonyms, as a user runs it.
    const out = path.join(dir, 'short-ids.jsonl');
    expect(
      await reconsCommand([
        'export',
        '--deidentified',
        '--tenant',
        'local',
        '--out',
        out,
        '--env-from',
        envFile,
      ]),
    ).toBe(0);
    expect(readLines(out).length).toBe(summary.sequences);
  });
});
