import type {
  OppsApcEntry,
  OppsCodeEntry,
  OppsComplexityEntry,
} from '../../fee-index/facility-opps-reader.js';
import { dayNumber, type EditionInfo } from '../../fee-index/header.js';
import type { EditionChoice, FeeIndex } from '../../fee-index/reader.js';
import { labOrDmeFee } from '../fee-schedules/lab-and-dme.js';
import { localityOfZip } from '../fee-schedules/locality.js';
import { type FeeResult, rbrvsFee } from '../fee-schedules/rbrvs.js';
import { type Cents, cents, formatCents, formatScaled, Money, roundToCents, ZERO_CENTS } from '../money.js';
import type { ExplanationStep, SourceRow, UnpricedReason } from '../priced-bill.js';
import { OPPS_REGULATIONS } from './opps-regulations.js';
import { type OppsWageIndexChoice, selectOppsWageIndex } from './opps-wage-index.js';
import type {
  FacilityBill,
  FacilityLine,
  FacilityLinePrice,
  FacilityPricing,
  FacilityRate,
  WageIndexUsed,
} from './types.js';

/**
 * Hospital outpatient pricing on the Medicare method (OPPS, 42 CFR Part 419; Medicare Claims
 * Processing Manual, Chapter 4): each line's status indicator and APC from OPPS Addendum B in
 * force on its date of service, the APC's rate from CMS's pricer table, wage-adjusted at the 60%
 * labor share with the wage index the hospital is paid on, and the status indicators' packaging
 * and discounting rules applied across the claim.
 *
 * What it does not do, and says on the answer: comprehensive observation (J2 → C-APC 8011),
 * composite APCs (Q3), device-intensive 73 reductions (Addendum P), outlier payments (the final
 * rules' thresholds are not held), the therapy multiple procedure payment reduction on status A
 * therapy lines, and the IOCE's denial of other lines on the date of an inpatient-only procedure.
 */

/** Labor share of the OPPS payment rate (42 CFR § 419.43(c)): 60%. */
const LABOR_SHARE_PERCENT = 60;

/** Status indicators paid at their APC's rate, wage-adjusted, per unit. */
const APC_PAID = new Set(['S', 'V', 'J2', 'R', 'U']);
/** Drugs and biologicals paid per unit at the code's rate, not wage-adjusted. */
const DRUGS = new Set(['G', 'K', 'K1']);
/** Paid at reasonable cost or charges reduced to cost, not on a fee schedule we hold. */
const AT_COST: Readonly<Record<string, string>> = {
  F: 'status indicator F (corneal tissue, CRNA services, hepatitis B vaccines) is paid at reasonable cost',
  L: 'status indicator L (influenza, pneumococcal and COVID-19 vaccines) is paid at reasonable cost',
  H: 'status indicator H (pass-through device categories) is paid at charges reduced to cost',
  H1: 'status indicator H1 is paid at charges reduced to cost, outside the APC rates',
  P: 'status indicator P (partial hospitalization) is paid per diem, which this method does not price',
};
/** Not payable on an outpatient hospital claim, with the reason code. */
const NOT_PAYABLE: Readonly<Record<string, { code: string; why: string }>> = {
  E1: { code: 'OPPS-NOT-PAYABLE', why: 'status indicator E1: not covered by Medicare (statutory exclusion)' },
  E2: { code: 'OPPS-NOT-PAYABLE', why: 'status indicator E2: not paid by Medicare on an outpatient claim' },
  B: {
    code: 'OPPS-NOT-PAYABLE',
    why: 'status indicator B: not recognised by the OPPS on an outpatient hospital bill type (another code may be)',
  },
  M: {
    code: 'OPPS-NOT-PAYABLE',
    why: 'status indicator M: not billable to the Medicare administrative contractor',
  },
  D: { code: 'OPPS-DELETED-CODE', why: 'status indicator D: discontinued code' },
  C: {
    code: 'OPPS-INPATIENT-ONLY',
    why: 'status indicator C: inpatient-only procedure, not payable on an outpatient claim',
  },
};
/**
 * Status indicators whose presence on the claim packages a Q1 line (Addendum D1: S, T, V; a J2
 * service paid at its own APC is paid as S or V; J1 packages everything anyway).
 */
const Q1_PACKAGERS = new Set(['S', 'T', 'V', 'J1', 'J2']);
/** Status indicators whose presence on the claim packages a Q4 laboratory line (Addendum D1). */
const Q4_PACKAGERS = new Set(['J1', 'J2', 'S', 'T', 'V', 'Q1', 'Q2', 'Q3']);
/** New Technology APCs (Addendum J exclusions: services assigned to a New Technology APC). */
const isNewTechnologyApc = (apc: string | undefined): boolean => {
  const n = Number(apc);
  return (n >= 1491 && n <= 1599) || (n >= 1901 && n <= 1908);
};

/** A line as the method sees it after its lookups. */
interface Prepared {
  /** Position in the bill's lines. */
  readonly at: number;
  readonly line: FacilityLine;
  readonly entry: OppsCodeEntry | undefined;
  readonly apc: OppsApcEntry | undefined;
  /** Rate for one unit in thousandths of a dollar, or null when the code has none. */
  readonly unitMills: number | null;
  readonly steps: ExplanationStep[];
  readonly notices: string[];
  /** Decided while preparing (unpriced: no edition, unknown code). */
  readonly settled: FacilityLinePrice | undefined;
}

function sourceOf(entry: { edition: EditionInfo; line: number }): SourceRow {
  return { file: entry.edition.source.file, line: entry.line, edition: entry.edition.id };
}

const dollarsOfMills = (mills: number): string => formatScaled(mills, 3, 2);

function base(
  prepared: Prepared,
  kind: FacilityLinePrice['kind'],
): Omit<FacilityLinePrice, 'reason' | 'packagedInto' | 'unpriced'> {
  return {
    kind,
    amount: ZERO_CENTS,
    unitAmount: ZERO_CENTS,
    method: 'opps',
    edition: prepared.entry?.edition.id,
    indicator: prepared.entry?.si,
    apc: prepared.entry?.apc,
    wageIndex: undefined,
    steps: prepared.steps,
    notices: prepared.notices,
  };
}

function unpriced(prepared: Prepared, reason: UnpricedReason): FacilityLinePrice {
  return { ...base(prepared, 'unpriced'), reason: undefined, packagedInto: undefined, unpriced: reason };
}

function packaged(
  prepared: Prepared,
  into: Prepared | undefined,
  why: string,
  comprehensive = false,
): FacilityLinePrice {
  const target = into
    ? `line ${into.line.lineNumber} (${into.line.code ?? into.line.revenueCode})`
    : undefined;
  const message = `${why}${target ? `: paid as part of ${target}` : ': no other line of the claim is paid separately, and packaged services are not paid on their own'}.`;
  prepared.steps.push({
    step: 'packaging',
    text: message,
    regulation: comprehensive ? OPPS_REGULATIONS.comprehensiveApc : OPPS_REGULATIONS.packaging,
  });
  return {
    ...base(prepared, 'packaged'),
    packagedInto: into?.line.lineNumber,
    reason: { internalCode: 'OPPS-PACKAGED', message },
    unpriced: undefined,
  };
}

/**
 * An APC amount: rate × (60% × wage index + 40%) × a multiplier in hundredths, rounded once, half up,
 * to cents by the one money rounding function. CMS's pricer code is not held (SOURCES.md § 11e), so
 * where CMS rounds inside the computation is not known to us; we round the line's amount once.
 */
function apcAmount(unitMills: number, wageIndex: number | undefined, hundredths: number): Cents {
  // Integers: mills (10^-3) × (6 × wi + 40000) (10^-5) × hundredths (10^-2) = dollars × 10^-10.
  const factor =
    wageIndex === undefined
      ? 100_000
      : (LABOR_SHARE_PERCENT / 10) * wageIndex + (100 - LABOR_SHARE_PERCENT) * 1_000;
  const value = unitMills * factor * hundredths;
  if (Number.isSafeInteger(value)) return roundToCents({ value, scale: 10 });
  return roundToCents(new Money(unitMills).times(factor).times(hundredths).div(1e10));
}

/** The wage adjustment step of an APC line. */
function wageStep(unitMills: number, choice: OppsWageIndexChoice & { kind: 'found' }): ExplanationStep {
  const adjusted = apcAmount(unitMills, choice.value, 100);
  return {
    step: 'wage-adjustment',
    text: `${dollarsOfMills(unitMills)} × (0.60 × ${choice.used.value} + 0.40) = ${formatCents(adjusted)} for one unit (wage index: ${choice.used.why})`,
    inputs: { rate: dollarsOfMills(unitMills), laborShare: '0.60', wageIndex: choice.used.value },
    result: formatCents(adjusted),
    regulation: OPPS_REGULATIONS.wageAdjustment,
  };
}

/** Modifier 73 (discontinued before anesthesia) and 52 (reduced) halve the rate; 74 pays it whole. */
function discontinuedFactor(line: FacilityLine): { percent: number; modifier: string | undefined } {
  if (line.modifiers.includes('73')) return { percent: 50, modifier: '73' };
  if (line.modifiers.includes('52')) return { percent: 50, modifier: '52' };
  if (line.modifiers.includes('74')) return { percent: 100, modifier: '74' };
  return { percent: 100, modifier: undefined };
}

/**
 * Prices a hospital outpatient claim on the Medicare OPPS.
 *
 * @param index - the fee index (OPPS Addendum B, APC rates, wage index; PFS/CLFS/DMEPOS for status A)
 * @param bill - a normalised outpatient facility bill
 * @returns one price per line, in line order, with the claim's steps and notices
 * @example priceOutpatientMedicare(index, { billType: 'outpatient', jurisdiction: 'US-MEDICARE', facility: { zip: '85004', cbsa: '38060' }, diagnoses: [], lines })
 */
export function priceOutpatientMedicare(index: FeeIndex, bill: FacilityBill): FacilityPricing {
  const claimSteps: ExplanationStep[] = [];
  const notices: string[] = [];
  const editions = new Set<string>();
  const wageByDate = new Map<string, OppsWageIndexChoice>();
  const wageFor = (date: string): OppsWageIndexChoice => {
    let choice = wageByDate.get(date);
    if (!choice) {
      choice = selectOppsWageIndex(index, bill.facility, date);
      wageByDate.set(date, choice);
      if (choice.kind === 'found') {
        for (const e of choice.editions) editions.add(e.id);
        for (const n of choice.notices) if (!notices.includes(n)) notices.push(n);
      }
    }
    return choice;
  };

  const editionsOn = oppsEditionsOn(index);
  const prepared = bill.lines.map((line, at) => prepare(index, line, at, editionsOn));
  for (const p of prepared) {
    if (p.entry) editions.add(p.entry.edition.id);
    if (p.apc) editions.add(p.apc.edition.id);
  }
  const live = prepared.filter((p) => p.settled === undefined && p.entry !== undefined);
  const results: (FacilityLinePrice | undefined)[] = prepared.map((p) => p.settled);
  const set = (p: Prepared, price: FacilityLinePrice) => {
    results[p.at] = price;
  };

  // Lines paid at an APC rate, wage-adjusted; answers unpriced when no wage index can be chosen.
  const payApc = (
    p: Prepared,
    hundredths: number,
    extra: { reason?: FacilityLinePrice['reason']; unitMills?: number; apc?: string } = {},
  ): FacilityLinePrice => {
    const unitMills = extra.unitMills ?? p.unitMills;
    if (unitMills === null || unitMills === undefined) {
      return unpriced(p, {
        code: 'NOT-IN-EDITION',
        message: `${p.line.code} (status indicator ${p.entry?.si}) has no payment rate in ${p.entry?.edition.label}.`,
      });
    }
    const wage = wageFor(p.line.dateOfService);
    if (wage.kind === 'none') return unpriced(p, { code: 'NO-LOCALITY', message: wage.message });
    p.steps.push(...wage.steps, wageStep(unitMills, wage));
    const amount = apcAmount(unitMills, wage.value, hundredths);
    if (hundredths !== 100) {
      p.steps.push({
        step: 'opps-amount',
        text: `${formatCents(apcAmount(unitMills, wage.value, 100))} × ${formatScaled(hundredths, 2, 2)} = ${formatCents(amount)}`,
        inputs: { multiplier: formatScaled(hundredths, 2, 2) },
        result: formatCents(amount),
      });
    }
    return {
      ...base(p, 'paid'),
      ...(extra.apc ? { apc: extra.apc } : {}),
      amount,
      unitAmount: apcAmount(unitMills, wage.value, 100),
      wageIndex: wage.used,
      packagedInto: undefined,
      reason: extra.reason,
      unpriced: undefined,
    };
  };

  const paidOnOtherSchedule = (p: Prepared, why: string): FacilityLinePrice =>
    otherSchedule(index, bill, p, why);

  // 1. Status indicators that decide a line on their own.
  for (const p of live) {
    const si = (p.entry as OppsCodeEntry).si;
    const notPayable = NOT_PAYABLE[si];
    if (notPayable) {
      p.steps.push({
        step: 'status-indicator',
        text: `${p.line.code}: ${notPayable.why}.`,
        regulation: si === 'C' ? OPPS_REGULATIONS.inpatientOnly : OPPS_REGULATIONS.statusIndicators,
      });
      set(p, {
        ...base(p, 'not-payable'),
        packagedInto: undefined,
        reason: { internalCode: notPayable.code, message: `${p.line.code}: ${notPayable.why}.` },
        unpriced: undefined,
      });
      if (si === 'C') {
        const note =
          "An inpatient-only procedure (status indicator C) is on the claim: CMS's outpatient code editor also denies the claim's other lines on that date unless modifier CA applies; we price them and leave that decision to the reviewer.";
        if (!notices.includes(note)) notices.push(note);
      }
      continue;
    }
    const atCost = AT_COST[si];
    if (atCost) {
      set(
        p,
        unpriced(p, {
          code: 'BY-REPORT',
          message: `${p.line.code}: ${atCost}; there is no fee schedule amount.`,
        }),
      );
    }
  }

  const open = () => live.filter((p) => results[p.at] === undefined);
  const si = (p: Prepared) => (p.entry as OppsCodeEntry).si;

  // 2. A comprehensive APC (J1) pays the claim's primary service and packages the rest.
  const j1 = open().filter((p) => si(p) === 'J1' && p.unitMills !== null);
  if (j1.length > 0) {
    let top = 0;
    for (const p of j1) top = Math.max(top, p.unitMills as number);
    // CMS names no order among J1 services of equal rate; each is tried as the primary, and the one
    // whose Addendum J pair pays most (if any) is taken.
    const tied = j1.filter((p) => p.unitMills === top);
    let primary = tied[0] as Prepared;
    const choice = index.editionFor('opps-capc-complexity', primary.line.dateOfService);
    const opps = index.opps();
    let adjusted: { apc: OppsApcEntry; pair: string; source: SourceRow; edition: string } | undefined;
    if (choice && opps && choice.edition.year === Number(primary.line.dateOfService.slice(0, 4))) {
      // A pair's answer depends only on the two codes and the primary's date: each is asked once.
      const pairs = new Map<string, Map<string, OppsComplexityEntry | undefined>>();
      const pairOf = (first: string, second: string): OppsComplexityEntry | undefined => {
        let seconds = pairs.get(first);
        if (seconds === undefined) {
          seconds = new Map();
          pairs.set(first, seconds);
        }
        let pair = seconds.get(second);
        if (pair === undefined && !seconds.has(second)) {
          pair = opps.complexity(first, second, choice.edition);
          seconds.set(second, pair);
        }
        return pair;
      };
      const claimCodes = new Set<string>();
      for (const p of prepared) if (p.line.code) claimCodes.add(p.line.code);
      // A J1 code that pairs with no code of the claim cannot be adjusted, on any of its dates.
      const pairsOnClaim = new Map<string, boolean>();
      const anyPair = (first: string): boolean => {
        let any = pairsOnClaim.get(first);
        if (any === undefined) {
          any = false;
          for (const second of claimCodes) if (pairOf(first, second)) any = true;
          pairsOnClaim.set(first, any);
        }
        return any;
      };
      const candidates = new Set<string>();
      for (const candidate of tied) {
        if (!anyPair(candidate.line.code as string)) continue;
        const candidateKey = `${candidate.line.code}|${candidate.line.dateOfService}`;
        if (candidates.has(candidateKey)) continue;
        candidates.add(candidateKey);
        const seconds = new Set<string>();
        for (const other of prepared) {
          const sameLine = other === candidate;
          if (!other.line.code || (sameLine && other.line.units < 2) || seconds.has(other.line.code))
            continue;
          seconds.add(other.line.code);
          const pair = pairOf(candidate.line.code as string, other.line.code);
          if (!pair) continue;
          const apcChoice = index.editionFor('opps-apc-rate', candidate.line.dateOfService);
          const apc = apcChoice
            ? opps.apcRate(pair.adjustedApc, apcChoice.edition, dayNumber(candidate.line.dateOfService))
            : undefined;
          if (apc && (!adjusted || apc.rate > adjusted.apc.rate)) {
            adjusted = {
              apc,
              pair: `${pair.primary} + ${pair.secondary}`,
              source: sourceOf(pair),
              edition: pair.edition.id,
            };
            primary = candidate;
          }
        }
      }
    }
    if (adjusted) editions.add(adjusted.edition);
    const d = discontinuedFactor(primary.line);
    claimSteps.push({
      step: 'comprehensive-apc',
      text: `Comprehensive APC: line ${primary.line.lineNumber} (${primary.line.code}, APC ${primary.entry?.apc}) is the highest-paying J1 service on the claim and is paid once for the claim; every other line is packaged into it except the Addendum J exclusions.`,
      regulation: OPPS_REGULATIONS.comprehensiveApc,
    });
    if (adjusted) {
      primary.steps.push({
        step: 'complexity-adjustment',
        text: `Addendum J: the pair ${adjusted.pair} on the claim moves the payment to APC ${adjusted.apc.apc} at ${formatCents(cents(adjusted.apc.rate))}.`,
        inputs: { pair: adjusted.pair, apc: adjusted.apc.apc, rate: formatCents(cents(adjusted.apc.rate)) },
        source: adjusted.source,
        regulation: OPPS_REGULATIONS.comprehensiveApc,
      });
      primary.steps.push({
        step: 'opps-rate',
        text: `${adjusted.apc.edition.label}: APC ${adjusted.apc.apc} (${adjusted.apc.si}) pays ${formatCents(cents(adjusted.apc.rate))} from ${adjusted.apc.effective}.`,
        source: sourceOf(adjusted.apc),
      });
      editions.add(adjusted.apc.edition.id);
    }
    if (d.modifier) primary.steps.push(discontinuedStep(d));
    set(
      primary,
      payApc(primary, d.percent, {
        ...(adjusted ? { unitMills: adjusted.apc.rate * 10, apc: adjusted.apc.apc } : {}),
        ...(d.percent < 100 ? { reason: discontinuedReason(primary, d.modifier as string) } : {}),
      }),
    );
    for (const p of open()) {
      const s = si(p);
      if (s === 'G' || s === 'K1') {
        set(
          p,
          payDrug(
            p,
            s === 'G'
              ? 'Addendum J excludes pass-through drugs and biologicals (status indicator G) from C-APC packaging'
              : 'Addendum J excludes non-opioid products under CAA 2023 § 4135 (status indicator K1) from C-APC packaging',
          ),
        );
      } else if (s === 'U' || isNewTechnologyApc(p.entry?.apc)) {
        p.steps.push({
          step: 'capc-exclusion',
          text: `Addendum J excludes ${s === 'U' ? 'brachytherapy sources' : 'services assigned to a New Technology APC'} from C-APC packaging: paid separately.`,
          regulation: OPPS_REGULATIONS.comprehensiveApc,
        });
        set(p, payApc(p, 100 * p.line.units));
      } else if (s === 'A' && /^A0\d{3}$/.test(p.line.code as string)) {
        set(p, paidOnOtherSchedule(p, 'Addendum J excludes ambulance services from C-APC packaging'));
      } else if (s === 'Y') {
        set(
          p,
          paidOnOtherSchedule(
            p,
            "DME (status indicator Y) is not paid under the OPPS (Addendum D1: billed to a DME MAC) and Medicare pays it on the DMEPOS fee schedule; Addendum J's exclusions do not name it, and we do not package it (the source is silent)",
          ),
        );
      } else {
        set(
          p,
          packaged(
            p,
            primary,
            `Packaged into the comprehensive APC of the claim (status indicator ${s})`,
            true,
          ),
        );
      }
    }
    // Revenue-code-only lines are packaged like any other line of a J1 claim.
    prepared.forEach((p, i) => {
      if (results[i] === undefined)
        results[i] = packaged(p, primary, 'Packaged into the comprehensive APC of the claim', true);
    });
    const exclusionsNote =
      'Addendum J exclusions applied by status indicator (G, H, U, F, L, New Technology APCs, ambulance); preventive services, self-administered drugs, non-opioid products and cell and gene therapies are not recognised by code and are packaged.';
    notices.push(exclusionsNote);
  }

  // 3. Without a J1 service: T procedures with their discount, conditional packaging by date.
  const byDate = new Map<string, Prepared[]>();
  for (const p of open()) {
    const list = byDate.get(p.line.dateOfService) ?? [];
    list.push(p);
    byDate.set(p.line.dateOfService, list);
  }
  const claimSis = new Set(live.map(si));
  const paidAnchor = new Map<string, Prepared>();
  for (const [date, lines] of byDate) {
    const t = lines.filter((p) => si(p) === 'T' && p.unitMills !== null);
    t.sort((a, b) => (b.unitMills as number) - (a.unitMills as number));
    t.forEach((p, rank) => {
      const d = discontinuedFactor(p.line);
      const units = p.line.units;
      // The IOCE's discounting formulas (D = 0.5, T = 0.5 for a terminated procedure, U = units;
      // ResDAC, Revenue Center Discount Indicator Code): the highest-paying T procedure 1 + D(U−1),
      // every other T procedure D × U; a terminated (73) or reduced (52) one T, or T × D when it is
      // not the highest, whatever its units.
      const hundredths = rank === 0 ? 100 + 50 * (units - 1) : 50 * units;
      const total = d.percent < 100 ? (rank === 0 ? 50 : 25) : hundredths;
      if (rank > 0 || units > 1) {
        p.steps.push({
          step: 'multiple-procedure',
          text:
            rank === 0
              ? `Multiple procedure discount: line ${p.line.lineNumber} is the highest-paying T procedure on ${date}; its first unit is paid at 100% and its ${units - 1} other unit(s) at 50%.`
              : `Multiple procedure discount: line ${p.line.lineNumber} is not the highest-paying T procedure on ${date} (line ${(t[0] as Prepared).line.lineNumber} is): paid at 50%.`,
          regulation: OPPS_REGULATIONS.multipleProcedure,
        });
      }
      if (d.modifier) p.steps.push(discontinuedStep(d));
      const reason =
        d.percent < 100
          ? discontinuedReason(p, d.modifier as string)
          : rank > 0 || units > 1
            ? {
                internalCode: 'OPPS-MULTIPLE-PROCEDURE',
                message: `Status indicator T procedure after the highest-paying one on ${date}: paid at 50%.`,
              }
            : undefined;
      set(p, payApc(p, total, reason ? { reason } : {}));
    });
    for (const p of lines) {
      if (results[p.at] !== undefined) continue;
      const s = si(p);
      // Addendum D1: Q1 and Q2 are packaged when the claim (not only the date) has the service;
      // they are decided below, once the lines they are paid with are known.
      if (s === 'Q1' && [...claimSis].some((x) => Q1_PACKAGERS.has(x))) continue;
      if (s === 'Q2' && claimSis.has('T')) continue;
      if (APC_PAID.has(s) || s === 'Q1' || s === 'Q2' || s === 'Q3') {
        if (s === 'J2') {
          p.steps.push({
            step: 'status-indicator',
            text: `${p.line.code} (status indicator J2) is paid at its own APC: comprehensive observation (C-APC 8011) is not modelled.`,
            regulation: OPPS_REGULATIONS.statusIndicators,
          });
        }
        if (s === 'Q3') {
          p.steps.push({
            step: 'status-indicator',
            text: `${p.line.code} (status indicator Q3) is paid at its own APC: composite APC assignment is not modelled.`,
            regulation: OPPS_REGULATIONS.statusIndicators,
          });
        }
        if (s === 'Q1' || s === 'Q2') {
          p.steps.push({
            step: 'status-indicator',
            text: `${p.line.code} (status indicator ${s}) is paid separately: no ${s === 'Q1' ? 'S, T, V, J1 or J2' : 'T'} service is on the claim.`,
            regulation: OPPS_REGULATIONS.packaging,
          });
        }
        const d = discontinuedFactor(p.line);
        if (d.percent < 100) p.steps.push(discontinuedStep(d));
        set(
          p,
          payApc(
            p,
            d.percent * p.line.units,
            d.percent < 100 ? { reason: discontinuedReason(p, d.modifier as string) } : {},
          ),
        );
      } else if (DRUGS.has(s)) {
        set(p, payDrug(p, undefined));
      } else if (s === 'A') {
        set(p, paidOnOtherSchedule(p, 'status indicator A is paid on a fee schedule other than the OPPS'));
      } else if (s === 'Y') {
        set(
          p,
          paidOnOtherSchedule(
            p,
            'status indicator Y (DME) is not paid under the OPPS (Addendum D1: billed to a DME MAC); Medicare pays it on the DMEPOS fee schedule',
          ),
        );
      } else if (s === 'Q4') {
        if (![...claimSis].some((x) => Q4_PACKAGERS.has(x))) {
          set(
            p,
            paidOnOtherSchedule(
              p,
              'status indicator Q4: only laboratory tests are on the claim, so it is paid on the clinical laboratory fee schedule',
            ),
          );
        }
      }
    }
    // The line a packaged line of this date is paid with: the highest-paying paid line of the date.
    let anchor: Prepared | undefined;
    let best = -1;
    for (const p of lines) {
      const r = results[p.at];
      if (r?.kind === 'paid' && r.method === 'opps' && r.amount > best) {
        best = r.amount;
        anchor = p;
      }
    }
    if (anchor) paidAnchor.set(date, anchor);
  }
  // A line packaged on a date with no paid OPPS line is paid with the claim's highest-paying one.
  let anyAnchor: Prepared | undefined;
  let anyBest = -1;
  for (const p of paidAnchor.values()) {
    const amount = (results[p.at] as FacilityLinePrice).amount;
    if (amount > anyBest) {
      anyBest = amount;
      anyAnchor = p;
    }
  }
  for (const [date, lines] of byDate) {
    const anchor = paidAnchor.get(date) ?? anyAnchor;
    for (const p of lines) {
      if (results[p.at] !== undefined) continue;
      const s = si(p);
      const why =
        s === 'Q1'
          ? 'Status indicator Q1: packaged when an S, T or V service (or a J2 service paid at its APC) is on the same claim'
          : s === 'Q2'
            ? 'Status indicator Q2: packaged when a T procedure is on the same claim'
            : s === 'Q4'
              ? 'Status indicator Q4: laboratory test packaged because the claim has a J1, J2, S, T, V, Q1, Q2 or Q3 service'
              : `Status indicator ${s}: packaged`;
      set(p, packaged(p, anchor, why));
    }
  }
  prepared.forEach((p, i) => {
    if (results[i] === undefined) {
      results[i] = packaged(
        p,
        paidAnchor.get(p.line.dateOfService) ?? anyAnchor,
        `Revenue code ${p.line.revenueCode} without a HCPCS code: packaged`,
      );
    }
  });

  if (bill.facility.costToChargeRatio === undefined) {
    notices.push(
      'Priced without outlier payments: the bill carries no cost-to-charge ratio (facility.costToChargeRatio), which an OPPS outlier needs (42 CFR § 419.43(d)).',
    );
  } else {
    notices.push(
      "Outlier payments (42 CFR § 419.43(d)) are not computed: the calendar year's fixed-dollar and multiple thresholds are set in each OPPS final rule, and we hold no sourced copy of them; the cost-to-charge ratio sent was not used.",
    );
  }
  if (live.some((p) => p.line.modifiers.includes('73'))) {
    notices.push(
      'Modifier 73 lines are paid at 50% of the APC rate; the device-intensive reduction (Addendum P) that CMS applies first is not modelled.',
    );
  }
  const lines = results as FacilityLinePrice[];
  for (const l of lines) if (l.edition) editions.add(l.edition);
  return { lines, claimSteps, notices, editions: [...editions] };
}

function discontinuedStep(d: { percent: number; modifier: string | undefined }): ExplanationStep {
  return {
    step: 'discontinued',
    text:
      d.modifier === '74'
        ? `Modifier 74 (discontinued after anesthesia): paid at the full APC rate.`
        : `Modifier ${d.modifier} (${d.modifier === '73' ? 'discontinued before anesthesia' : 'reduced service'}): paid at 50% of the APC rate.`,
    inputs: { modifier: d.modifier as string, percent: String(d.percent) },
    regulation: OPPS_REGULATIONS.discontinued,
  };
}

function discontinuedReason(p: Prepared, modifier: string): FacilityLinePrice['reason'] {
  return {
    internalCode: 'OPPS-DISCONTINUED',
    message: `${p.line.code}-${modifier}: ${modifier === '73' ? 'discontinued before anesthesia' : 'reduced service'}, paid at 50% of the APC rate.`,
  };
}

/** A drug or biological (G, K): the code's rate per unit × units, not wage-adjusted. */
function payDrug(p: Prepared, why: string | undefined): FacilityLinePrice {
  const mills = (p.entry as OppsCodeEntry).rateMills;
  if (mills === null) {
    return unpriced(p, {
      code: 'NOT-IN-EDITION',
      message: `${p.line.code} has no payment rate in ${p.entry?.edition.label}.`,
    });
  }
  const amount = apcAmount(mills, undefined, 100 * p.line.units);
  p.steps.push({
    step: 'drug',
    text: `${why ? `${why}. ` : ''}Drugs and biologicals (status indicator ${p.entry?.si}) are paid per unit at the code's rate, without wage adjustment: ${dollarsOfMills(mills)} × ${p.line.units} = ${formatCents(amount)}.`,
    inputs: { rate: dollarsOfMills(mills), units: String(p.line.units) },
    result: formatCents(amount),
    source: sourceOf(p.entry as OppsCodeEntry),
    regulation: OPPS_REGULATIONS.statusIndicators,
  });
  return {
    ...base(p, 'paid'),
    amount,
    unitAmount: apcAmount(mills, undefined, 100),
    packagedInto: undefined,
    reason: undefined,
    unpriced: undefined,
  };
}

/** A status A/Y/Q4 line on its own Medicare fee schedule at the facility's ZIP: CLFS, DMEPOS, or PFS non-facility. */
function otherSchedule(index: FeeIndex, bill: FacilityBill, p: Prepared, why: string): FacilityLinePrice {
  const line = p.line;
  p.steps.push({
    step: 'status-indicator',
    text: `${line.code}: ${why}.`,
    regulation: OPPS_REGULATIONS.otherSchedules,
  });
  const place = localityOfZip(index, bill.facility.zip, line.dateOfService);
  if (place.kind !== 'found') {
    return { ...unpriced(p, { code: 'NO-LOCALITY', message: place.message }), method: 'rbrvs' };
  }
  p.steps.push(place.step);
  const query = {
    code: line.code as string,
    modifiers: line.modifiers,
    date: line.dateOfService,
    locality: { carrier: place.entry.carrier, locality: place.entry.locality },
    setting: 'non-facility' as const,
    zip: bill.facility.zip,
    state: place.entry.state,
  };
  const fee: FeeResult = labOrDmeFee(index, query) ?? rbrvsFee(index, query);
  p.steps.push(...fee.steps);
  p.notices.push(...fee.notices);
  if (fee.kind === 'priced') {
    const method = fee.method === 'clfs' || fee.method === 'dmepos' ? fee.method : 'rbrvs';
    const amount = cents(fee.unitAmount * line.units);
    if (method === 'rbrvs' && fee.rvu?.multipleProcedure === '5') {
      p.notices.push(
        'Therapy on the physician fee schedule: the multiple procedure payment reduction on practice expense (MULT PROC 5) is not applied by the OPPS method; the rules stage decides it.',
      );
    }
    return {
      ...base(p, 'paid'),
      method,
      edition: fee.edition.id,
      amount,
      unitAmount: fee.unitAmount,
      packagedInto: undefined,
      reason: undefined,
      unpriced: undefined,
    };
  }
  if (fee.kind === 'zero') {
    return {
      ...base(p, 'not-payable'),
      method: 'rbrvs',
      packagedInto: undefined,
      reason: { internalCode: fee.reason, message: fee.message },
      unpriced: undefined,
    };
  }
  return { ...unpriced(p, fee.reason), method: 'rbrvs' };
}

/** The Addendum B and APC rate editions in force on a date. */
interface OppsEditions {
  readonly addendumB: EditionChoice | undefined;
  readonly apcRate: EditionChoice | undefined;
}

/**
 * The editions in force on each date, asked of the index once a date: a claim's lines share a few
 * dates, and the index's search was a tenth of a 60-line claim's time.
 */
function oppsEditionsOn(index: FeeIndex): (date: string) => OppsEditions {
  const byDate = new Map<string, OppsEditions>();
  return (date) => {
    let found = byDate.get(date);
    if (found === undefined) {
      found = {
        addendumB: index.editionFor('opps-addendum-b', date),
        apcRate: index.editionFor('opps-apc-rate', date),
      };
      byDate.set(date, found);
    }
    return found;
  };
}

/** Looks a line up in Addendum B and the APC table in force on its date. */
function prepare(
  index: FeeIndex,
  line: FacilityLine,
  at: number,
  editionsOn: (date: string) => OppsEditions,
): Prepared {
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  const settle = (reason: UnpricedReason): Prepared => {
    const p: Prepared = {
      at,
      line,
      entry: undefined,
      apc: undefined,
      unitMills: null,
      steps,
      notices,
      settled: undefined,
    };
    return { ...p, settled: unpriced(p, reason) };
  };
  if (line.code === undefined) {
    return {
      at,
      line,
      entry: undefined,
      apc: undefined,
      unitMills: null,
      steps,
      notices,
      settled: undefined,
    };
  }
  const opps = index.opps();
  const editions = editionsOn(line.dateOfService);
  const choice = editions.addendumB;
  const year = Number(line.dateOfService.slice(0, 4));
  if (!opps || !choice || choice.edition.year !== year) {
    const held = index.editions('opps-addendum-b');
    return settle({
      code: 'NO-EDITION',
      message: `We hold OPPS Addendum B for ${held.map((e) => e.year).join(', ') || 'no year'} only: ${line.code} on ${line.dateOfService} is not in an edition we hold, and another year's status indicator and APC are not lent to it.`,
    });
  }
  const entry = opps.code(line.code, choice.edition);
  if (!entry) {
    return settle({
      code: 'NOT-IN-EDITION',
      message: `${line.code} is not in ${choice.edition.label} (${choice.edition.source.file}).`,
    });
  }
  steps.push({
    step: 'status-indicator',
    text: `${entry.edition.label}: ${line.code} has status indicator ${entry.si}${entry.apc ? `, APC ${entry.apc}` : ''}${entry.rateMills !== null ? `, payment rate ${dollarsOfMills(entry.rateMills)}` : ''}.`,
    inputs: { code: line.code, si: entry.si, ...(entry.apc ? { apc: entry.apc } : {}) },
    source: sourceOf(entry),
    regulation: OPPS_REGULATIONS.statusIndicators,
  });
  let apc: OppsApcEntry | undefined;
  let unitMills = entry.rateMills;
  if (entry.apc && !DRUGS.has(entry.si)) {
    const apcChoice = editions.apcRate;
    apc = apcChoice ? opps.apcRate(entry.apc, apcChoice.edition, dayNumber(line.dateOfService)) : undefined;
    if (apc) {
      unitMills = apc.rate * 10;
      steps.push({
        step: 'opps-rate',
        text: `${apc.edition.label}: APC ${apc.apc} (${apc.si}) pays ${formatCents(cents(apc.rate))} from ${apc.effective}.`,
        inputs: { apc: apc.apc, rate: formatCents(cents(apc.rate)) },
        source: sourceOf(apc),
        regulation: OPPS_REGULATIONS.wageAdjustment,
      });
      if (entry.rateMills !== null && entry.rateMills !== apc.rate * 10) {
        notices.push(
          `${line.code}: Addendum B prints ${dollarsOfMills(entry.rateMills)} and CMS's pricer APC table ${formatCents(cents(apc.rate))} for APC ${apc.apc}; the pricer table's rate in force on ${line.dateOfService} is used.`,
        );
      }
    }
  }
  return { at, line, entry, apc, unitMills, steps, notices, settled: undefined };
}

/**
 * The OPPS rate of a code for the fee-schedule route: its status indicator, APC and national
 * unadjusted rate on a date, wage-adjusted when a CBSA is named (geographic value, with the rural
 * and imputed floors of the CBSA's state when it lies in one state).
 *
 * @param index - the fee index
 * @param code - HCPCS code
 * @param date - YYYY-MM-DD
 * @param cbsa - the hospital's CBSA, or undefined for the national rate only
 * @returns the rate, or undefined when no Addendum B edition we hold for the date lists the code
 * @example oppsRate(index, 'G0463', '2025-03-04', '38060')
 */
export function oppsRate(
  index: FeeIndex,
  code: string,
  date: string,
  cbsa: string | undefined,
): FacilityRate | undefined {
  const p = prepare(
    index,
    {
      index: 0,
      lineNumber: 1,
      revenueCode: '0000',
      code,
      modifiers: [],
      units: 1,
      charge: ZERO_CENTS,
      dateOfService: date,
      codeField: 'code',
    },
    0,
    oppsEditionsOn(index),
  );
  const entry = p.entry;
  if (!entry) return undefined;
  const pays =
    p.unitMills !== null &&
    !NOT_PAYABLE[entry.si] &&
    !AT_COST[entry.si] &&
    !['N', 'Q4', 'A', 'Y'].includes(entry.si);
  const notes: string[] = [...p.notices];
  if (['Q1', 'Q2', 'Q3'].includes(entry.si)) {
    notes.push(
      `Status indicator ${entry.si}: paid at this rate only when the claim does not package it (Addendum D1).`,
    );
  }
  let wageAdjusted: FacilityRate['wageAdjusted'];
  if (pays && cbsa !== undefined) {
    const wage = selectOppsWageIndex(index, { zip: '', cbsa }, date);
    if (wage.kind === 'found') {
      const drug = DRUGS.has(entry.si);
      const amount = apcAmount(p.unitMills as number, drug ? undefined : wage.value, 100);
      if (!drug) p.steps.push(...wage.steps, wageStep(p.unitMills as number, wage));
      const used: WageIndexUsed = drug
        ? { ...wage.used, why: `${wage.used.why} Drugs and biologicals are not wage-adjusted.` }
        : wage.used;
      wageAdjusted = { amount: formatCents(amount), wageIndex: used };
    } else {
      notes.push(wage.message);
    }
  }
  return {
    code,
    setting: 'outpatient',
    indicator: entry.si,
    apc: entry.apc,
    nationalRate: pays ? formatCents(apcAmount(p.unitMills as number, undefined, 100)) : null,
    wageAdjusted,
    edition: entry.edition.id,
    steps: p.steps,
    notes,
  };
}
