import { beforeAll, describe, expect, it } from 'vitest';
import type { PricedLine } from '../../lambdas/engine/priced-bill.js';
import { addOnCodesRule } from '../../lambdas/engine/rules/add-on-codes.js';
import type { FeeIndex, RvuEntry } from '../../lambdas/fee-index/reader.js';
import { priceLines } from '../support/bills.js';
import { nationalIndex } from '../support/national-index.js';
import { ruleContext, ruleLines } from '../support/rules.js';

/*
 * Procedures in another surgery's global period, and add-on codes without their primary, on the
 * full national index. Rows of PPRRVU2025_Oct.csv (work, PE, MP RVUs; GLOB DAYS; PRE/INTRA/POST OP):
 *   line 2773  27447  19.60, facility PE 15.30 (non-facility NA), 3.98; GLOB DAYS 090; 0.10/0.69/0.21
 *   line 2706  27310  10.00, facility PE 10.46 (non-facility NA), 2.02; GLOB DAYS 090; 0.10/0.69/0.21
 *   line 1084  10060  GLOB DAYS 010; 0.10/0.80/0.10
 *   line 1644  20610  0.79, non-facility PE 1.04, 0.13; GLOB DAYS 000; 0.00/0.00/0.00
 *   line 6956  64483  1.90, non-facility PE 5.24, 0.16; GLOB DAYS 000
 *   line 6957  64484  1.00, non-facility PE 2.20, 0.08; GLOB DAYS ZZZ (MULT PROC 0)
 *   line 1967  22612  GLOB DAYS 090      line 1968  22614  GLOB DAYS ZZZ
 *   line 1136  11042  GLOB DAYS 000      line 1139  11045  GLOB DAYS ZZZ
 *   line 12807 99213  1.30, non-facility PE 1.35, 0.10; GLOB DAYS XXX
 * Fees: Delaware (ZIP 19901; GPCI2025.csv line 40: 1.009, 0.992, 0.949), 2025, CF 32.3465, rounded
 * half up once: [(work × 1.009) + (PE × 0.992) + (MP × 0.949)] × 32.3465.
 *   20610 (office): 0.79711 + 1.03168 + 0.12337 = 1.95216 × 32.3465 = 63.1455… → 63.15
 *   27310 (facility): 10.09 + 10.37632 + 1.91698 = 22.3833 × 32.3465 = 724.0214… → 724.02
 *   64483 (office): 1.9171 + 5.19808 + 0.15184 = 7.26702 × 32.3465 = 235.0626… → 235.06
 *   64484 (office): 1.009 + 2.1824 + 0.07592 = 3.26732 × 32.3465 = 105.6863… → 105.69
 *   99213 (office): 1.3117 + 1.3392 + 0.0949 = 2.7458 × 32.3465 = 88.8170… → 88.82
 * 27447 on 2025-03-04 (GLOB DAYS 090): its postoperative days run 2025-03-05 to 2025-06-02 (90 days
 * after the day of surgery; Claims Processing Manual, Chapter 12, § 40.1 and the RVU file's GLOB DAYS).
 */
const PROCEDURE = '63.15';
const RETURN_TRIP = '724.02';
const VISIT = '88.82';

let index: FeeIndex;
beforeAll(() => {
  index = nationalIndex();
}, 60_000);

const price = (lines: object[], jurisdiction = 'US-MEDICARE') => priceLines(index, lines, { jurisdiction });

const line = (code: string, dateOfService: string, extra: object = {}) => ({
  code,
  dateOfService,
  charge: '3000.00',
  placeOfService: '11',
  ...extra,
});
const knee = (extra: object = {}) => line('27447', '2025-03-04', { placeOfService: '22', ...extra });
const injection = (dateOfService: string, modifiers: string[] = [], extra: object = {}) =>
  line('20610', dateOfService, { modifiers, ...extra });

const billReview = (l: PricedLine | undefined) =>
  l?.adjustments.filter((a) => a.bucket === 'billReview').map((a) => [a.carc, a.rarc, a.amount]);
const trace = (l: PricedLine | undefined, rule: string) => l?.rules.find((r) => r.rule === rule);

function rvu(code: string): RvuEntry {
  const edition = index.editionFor('pfs-rvu', '2025-03-04')?.edition;
  const row = edition && index.rvu(code, '', edition);
  if (!row) throw new Error(`no 2025 RVU row for ${code}`);
  return row;
}

describe('procedures in another surgery’s global period', () => {
  it('reads GLOB DAYS and the INTRA OP share from the 2025 RVU rows', () => {
    expect(
      [rvu('27447'), rvu('27310'), rvu('10060'), rvu('20610')].map((r) => [r.line, r.globalDays]),
    ).toEqual([
      [2773, '090'],
      [2706, '090'],
      [1084, '010'],
      [1644, '000'],
    ]);
    expect(rvu('27310')).toMatchObject({ preOp: 10, intraOp: 69, postOp: 21 });
  });

  it('denies a procedure 30 days after a 090 surgery by the same provider (CARC 97, RARC M144), naming the surgery', () => {
    const priced = price([knee(), injection('2025-04-03')]);
    expect(priced.lines[1]).toMatchObject({ allowed: '0.00', status: 'denied' });
    expect(billReview(priced.lines[1])).toEqual([['97', 'M144', PROCEDURE]]);
    const t = trace(priced.lines[1], 'procedures-in-global-period');
    expect(t?.decision).toBe('denied');
    for (const part of [
      'Line 2 (20610, 2025-04-03)',
      'GLOB DAYS 000',
      'surgery line 1 (27447, 2025-03-04)',
      'day 30 of its 90-day postoperative period',
      'GLOB DAYS 090, 2025-03-05 to 2025-06-02',
      'without modifier 58, 78 or 79',
    ])
      expect(t?.message).toContain(part);
    expect(priced.lines[1]?.adjustments.at(-1)?.regulation?.citation).toContain('Chapter 12, § 40.1');
    expect(trace(priced.lines[0], 'procedures-in-global-period')).toEqual({
      rule: 'procedures-in-global-period',
      decision: 'no-change',
    });
  });

  it.each([['58'], ['79']])('pays it in full with modifier %s, and says why', (m) => {
    const priced = price([knee(), injection('2025-04-03', [m])]);
    expect(priced.lines[1]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
    expect(billReview(priced.lines[1])).toEqual([]);
    const t = trace(priced.lines[1], 'procedures-in-global-period');
    expect(t?.decision).toBe('no-change');
    expect(t?.message).toContain(`modifier ${m}`);
    expect(t?.message).toContain('starts a new global period');
  });

  it('pays a 78 return trip its INTRA OP share (§ 40.4), a 000-day code in full', () => {
    // 27310-78: 724.02 × 69% = 499.5738 → 499.57; 224.45 withheld (CARC 45).
    const priced = price([knee(), line('27310', '2025-04-03', { placeOfService: '22', modifiers: ['78'] })]);
    expect(priced.lines[1]).toMatchObject({
      allowed: '499.57',
      status: 'priced',
      feeSchedule: { amount: RETURN_TRIP },
    });
    expect(billReview(priced.lines[1])).toEqual([['45', undefined, '224.45']]);
    const t = trace(priced.lines[1], 'return-to-operating-room');
    expect(t?.decision).toBe('reduced');
    expect(t?.message).toContain(
      'INTRA OP share of 69% (PRE OP 10%, INTRA OP 69%, POST OP 21%; RVU file line 2706)',
    );
    expect(t?.message).toContain('724.02 × 69% = 499.57');
    expect(t?.message).toContain('surgery line 1 (27447, 2025-03-04), on day 30');
    // 20610 (GLOB DAYS 000) has no INTRA OP share: paid in full, and the line says so.
    const minor = price([knee(), injection('2025-04-03', ['78'])]);
    expect(minor.lines[1]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
    expect(trace(minor.lines[1], 'return-to-operating-room')?.message).toContain('paid in full');
  });

  it('opens no new global period for a 78 line, for procedures or visits; 79 opens one', () => {
    // 2025-06-10 is past 27447's period (ends 2025-06-02) and inside the 90 days after 2025-04-03.
    const trip = (m: string) => line('27310', '2025-04-03', { placeOfService: '22', modifiers: [m] });
    const after78 = price([knee(), trip('78'), injection('2025-06-10')]);
    expect(after78.lines[2]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
    const visit78 = price([knee(), trip('78'), line('99213', '2025-06-10', { charge: '150.00' })]);
    expect(visit78.lines[2]).toMatchObject({ allowed: VISIT, status: 'priced' });
    const after79 = price([knee(), trip('79'), injection('2025-06-10')]);
    expect(after79.lines[2]).toMatchObject({ allowed: '0.00', status: 'denied' });
    expect(trace(after79.lines[2], 'procedures-in-global-period')?.message).toContain(
      'surgery line 2 (27310, 2025-04-03), on day 68',
    );
  });

  it('opens no period for a procedure it denies: a visit past the first period is paid', () => {
    // 27310 without a modifier on 2025-04-03 is bundled into 27447; a visit on 2025-06-10 is outside
    // 27447's period and would be inside 27310's, had 27310 been paid.
    const priced = price([
      knee(),
      line('27310', '2025-04-03', { placeOfService: '22' }),
      line('99213', '2025-06-10', { charge: '150.00' }),
    ]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['1252.81', '0.00', VISIT]);
  });

  it('ends the period on its last day, and leaves the day of surgery to the other rules', () => {
    const priced = price([knee(), injection('2025-06-02'), injection('2025-06-03')]);
    expect(priced.lines[1]).toMatchObject({ allowed: '0.00', status: 'denied' });
    expect(trace(priced.lines[1], 'procedures-in-global-period')?.message).toContain('day 90 of');
    expect(priced.lines[2]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
    const sameDay = price([line('10060', '2025-03-04'), injection('2025-03-04')]);
    expect(trace(sameDay.lines[1], 'procedures-in-global-period')).toEqual({
      rule: 'procedures-in-global-period',
      decision: 'no-change',
    });
  });

  it('pays a procedure by another provider inside the period', () => {
    const priced = price([knee(), injection('2025-04-03', [], { renderingProviderNpi: '1245319599' })]);
    expect(priced.lines[1]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
  });

  it('denies a procedure through the 10th day after a 010 procedure, and pays it on the 11th', () => {
    const priced = price([line('10060', '2025-03-04'), injection('2025-03-14'), injection('2025-03-15')]);
    expect(priced.lines.slice(1).map((l) => l.allowed)).toEqual(['0.00', PROCEDURE]);
    expect(trace(priced.lines[1], 'procedures-in-global-period')?.message).toContain(
      'day 10 of its 10-day postoperative period (GLOB DAYS 010, 2025-03-05 to 2025-03-14)',
    );
  });

  it('opens no postoperative period for a surgery billed as surgical care only (54)', () => {
    const priced = price([knee({ modifiers: ['54'] }), injection('2025-04-03')]);
    expect(priced.lines[1]).toMatchObject({ allowed: PROCEDURE, status: 'priced' });
  });

  it('is not applied where the jurisdiction has not adopted Medicare’s global surgery (Delaware), and says so', () => {
    const priced = price([knee(), injection('2025-04-03')], 'DE');
    expect(priced.lines[1]?.rules).toContainEqual({
      rule: 'procedures-in-global-period',
      decision: 'not-adopted',
    });
    expect(priced.lines[1]?.rules).toContainEqual({
      rule: 'return-to-operating-room',
      decision: 'not-adopted',
    });
  });
});

describe('add-on codes without their primary', () => {
  const NOT_HELD = "CMS's add-on code edit file is not held";

  it('pays 64484 with 64483 by the same provider on the date, naming the primary it accepted', () => {
    const priced = price([line('64483', '2025-03-04'), line('64484', '2025-03-04')]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['235.06', '105.69']);
    const t = trace(priced.lines[1], 'add-on-codes');
    expect(t?.decision).toBe('no-change');
    expect(t?.message).toContain('line 1 (64483) by the same provider on the date is its primary');
    expect(t?.message).toContain(`${NOT_HELD}; any procedure on the date was accepted as the primary`);
  });

  it('denies 64484 billed alone (CARC 107, RARC N122), saying the edit file is not held', () => {
    const priced = price([line('64484', '2025-03-04')]);
    expect(priced.lines[0]).toMatchObject({ allowed: '0.00', status: 'denied' });
    expect(billReview(priced.lines[0])).toEqual([['107', 'N122', '105.69']]);
    const t = trace(priced.lines[0], 'add-on-codes');
    expect(t?.decision).toBe('denied');
    expect(t?.message).toContain(
      'Line 1 (64484, 2025-03-04) is an add-on code (GLOB DAYS ZZZ; RVU file line 6957)',
    );
    expect(t?.message).toContain(NOT_HELD);
    expect(priced.lines[0]?.adjustments.at(-1)?.regulation?.citation).toContain('Add-on Code Edits');
  });

  it('denies it when the primary is on another date or by another provider, and says which', () => {
    const otherDate = price([line('64483', '2025-03-03'), line('64484', '2025-03-04')]);
    expect(otherDate.lines.map((l) => l.allowed)).toEqual(['235.06', '0.00']);
    expect(trace(otherDate.lines[1], 'add-on-codes')?.message).toContain(
      'line 1 (64483, 2025-03-03) by the same provider is on another date',
    );
    const otherProvider = price([
      line('64483', '2025-03-04', { renderingProviderNpi: '1245319599' }),
      line('64484', '2025-03-04'),
    ]);
    expect(otherProvider.lines.map((l) => l.allowed)).toEqual(['235.06', '0.00']);
    expect(trace(otherProvider.lines[1], 'add-on-codes')?.message).toContain(
      "line 1 (64483) on the date is another provider's",
    );
  });

  it('denies it when an earlier edit denied its primary (a primary must itself be payable)', () => {
    // 64483 on 2025-04-03 falls on day 30 of 27447's period: bundled, so 64484 has no payable primary.
    const priced = price([knee(), line('64483', '2025-04-03'), line('64484', '2025-04-03')]);
    expect(priced.lines.map((l) => l.allowed)).toEqual(['1252.81', '0.00', '0.00']);
    expect(billReview(priced.lines[2])).toEqual([['107', 'N122', '105.69']]);
    expect(trace(priced.lines[2], 'add-on-codes')?.message).toContain(
      'line 2 (64483) by the same provider on the date was left at nothing',
    );
  });

  it('reads the ZZZ add-ons and their primaries of other families the same way (22614/22612, 11045/11042)', () => {
    // Amounts are inputs here: the rule denies an add-on's whole amount or leaves it alone.
    const codes = ['22612', '22614', '11042', '11045'];
    const rows = codes.map(rvu);
    expect(rows.map((r) => [r.line, r.globalDays])).toEqual([
      [1967, '090'],
      [1968, 'ZZZ'],
      [1136, '000'],
      [1139, 'ZZZ'],
    ]);
    const ctx = ruleContext(index, 'US-MEDICARE');
    const on = (code: string, dateOfService = '2025-03-04') => ({ code, dateOfService, charge: '100.00' });
    const paired = ruleLines(
      codes.map((c) => on(c)),
      ['1', '1', '1', '1'],
      rows.map((r) => ({ rvu: r })),
    );
    expect(addOnCodesRule.run(paired, ctx).map((d) => [d.lineIndex, d.decision])).toEqual([
      [1, 'no-change'],
      [3, 'no-change'],
    ]);
    const alone = ruleLines(
      [on('22614'), on('11045'), on('11042', '2025-03-05')],
      ['1', '1', '1'],
      [{ rvu: rows[1] }, { rvu: rows[3] }, { rvu: rows[2] }],
    );
    expect(addOnCodesRule.run(alone, ctx).map((d) => [d.lineIndex, d.decision, d.reason])).toEqual([
      [0, 'denied', 'BR-ADD-ON-NO-PRIMARY'],
      [1, 'denied', 'BR-ADD-ON-NO-PRIMARY'],
    ]);
  });

  it('is not applied where the jurisdiction has not adopted NCCI (Delaware), and says so', () => {
    const priced = price([line('64484', '2025-03-04')], 'DE');
    expect(priced.lines[0]?.allowed).toBe('105.69');
    expect(priced.lines[0]?.rules).toContainEqual({ rule: 'add-on-codes', decision: 'not-adopted' });
  });
});
