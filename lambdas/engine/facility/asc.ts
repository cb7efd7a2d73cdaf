import type { EditionInfo } from '../../fee-index/header.js';
import type { AscDeviceEntry, AscRateEntry, AscWageIndexEntry, FeeIndex } from '../../fee-index/reader.js';
import type { InternalReasonCode } from '../adjustments/reason-codes.js';
import {
  type Cents,
  cents,
  formatCents,
  formatScaled,
  Money,
  percentOf,
  roundToCents,
  ZERO_CENTS,
} from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';
import type {
  FacilityBill,
  FacilityLine,
  FacilityLinePrice,
  FacilityPricing,
  FacilityRate,
  WageIndexUsed,
} from './types.js';

/**
 * Medicare's ambulatory surgical centre (ASC) payment system, 42 CFR part 416 subpart F, as CMS
 * publishes it quarterly in the ASC addenda:
 *
 * - Addendum AA lists the covered surgical procedures (42 CFR 416.166) with their payment
 *   indicator, payment weight, national unadjusted rate and whether the multiple procedure
 *   discount applies; Addendum BB the covered ancillary services (416.164(b)); Addendum EE the
 *   procedures excluded from ASC payment (416.166(c)); Addendum FF the device portion of each
 *   procedure. A code on EE, or on neither AA nor BB, is not paid in an ASC.
 * - Payment indicators (Addendum DD1 of the OPPS/ASC rule) say how each code is paid. The rates of
 *   office-based procedures (P2, P3) and of radiology (Z2, Z3) in the addenda are already the lesser
 *   of the PFS non-facility practice expense amount and the standard ASC rate (416.171(d); NOTE 1 of
 *   AA and NOTE 3 of BB say the indicators come from that comparison): for 20610 (P3, October 2025
 *   AA $33.64) the rate is the PFS non-facility PE RVU 1.04 × CF 32.3465 = 33.64036, and
 *   test/full/facility-asc.test.ts checks it on the PPRRVU row.
 * - The national rate is wage-adjusted: the labor-related share, 50%, times the ASC wage index of
 *   the ASC's CBSA plus the other 50% (416.172(c); the 50% share set in the CY 2008 ASC final rule,
 *   72 FR 42470). Drugs and biologicals (K2) and brachytherapy sources (H2) are paid at their OPPS
 *   rate per unit (416.171), which is not wage-adjusted: DD1 defines both as "payment based on
 *   OPPS rate" where the wage-adjusted indicators are "based on OPPS relative payment weight" or
 *   MPFS PE RVUs, and their addendum rows carry no weight. A device-intensive procedure (J8) keeps
 *   its device portion (Addendum FF) out of the wage adjustment (416.171, device-intensive
 *   procedures; FF NOTE 2 says how the device portion is computed).
 * - Multiple procedures (416.172(d)): of the procedures subject to discounting (AA column "Y")
 *   performed in one session, the highest paying is paid at 100% and every other at 50%; each unit
 *   of a line is a procedure (Medicare Claims Processing Manual, ch. 14, § 40.5). Procedures are
 *   ranked by the lower of the billed charge and the ASC payment (§ 40.5), and the discount is the
 *   last pricing step. A bilateral procedure is billed as two units or two lines: CMS does not
 *   recognise modifier 50 for ASC payment (CMS's ASC FAQ on bilateral procedures), so it is not
 *   doubled, and the line says so. We take one date of service as one session.
 * - Discontinued and reduced procedures (Claims Processing Manual ch. 14, §§ 40.4 and 40.10): modifier 73
 *   (discontinued before anaesthesia) 50%, for a device-intensive procedure 50% of the rate without
 *   its device portion; 52 (reduced) 50%; 74 (after anaesthesia) 100%. A 52 or 73 line takes no
 *   further multiple procedure discount.
 *
 * Rounding: CMS prints the national rates and device portions to the cent (the addenda) and says
 * nowhere we hold how it rounds a wage-adjusted rate. We round the wage-adjusted rate of one unit
 * to cents once, half up, then each 50% of it, with the one rounding function (money.ts); the
 * line's steps show both roundings, so a payer rounding differently can see where a cent moves.
 */

// ---------------------------------------------------------------------------------------------
// Sources

/** The rules this method cites. */
export const ASC_REGULATIONS = {
  rates: {
    citation:
      '42 CFR § 416.171 (determination of ASC payment rates: standard methodology, OPPS rates for drugs, biologicals and brachytherapy sources, device-intensive procedures, office-based procedures at the lesser of the PFS non-facility PE amount)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-416/subpart-F/section-416.171',
  },
  wageAdjustment: {
    citation:
      '42 CFR § 416.172(c) (the labor-related portion of the ASC rate is adjusted by the hospital wage index) with the 50% labor-related share of the CY 2008 ASC final rule, 72 FR 42470 (August 2, 2007)',
    url: 'https://www.federalregister.gov/citation/72-FR-42470',
  },
  multipleProcedure: {
    citation:
      '42 CFR § 416.172(d) (multiple procedure discounting: highest paying procedure at 100%, others at 50%); Medicare Claims Processing Manual, Chapter 14, § 40.5 (payment for multiple procedures: each unit a procedure, ranked by the lower of the billed charge and the ASC payment; modifier 50 not recognised for payment, a bilateral procedure billed as two units) (cited from secondary copies; the manual text is not held here)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-416/subpart-F/section-416.172',
  },
  discontinued: {
    citation:
      'Medicare Claims Processing Manual, Chapter 14, § 40.4 (terminated procedures: 73 at 50%, 74 at 100%, 52 at 50%; 52 and 73 take no further multiple procedure reduction) and § 40.10 (removal of the device portion from a device-intensive procedure discontinued before anaesthesia) (cited from secondary copies; the manual text is not held here)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c14.pdf',
  },
  coveredProcedures: {
    citation:
      '42 CFR § 416.166 (covered surgical procedures and the exclusions CMS lists in Addendum EE) and § 416.164(b) (covered ancillary services, Addendum BB)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-416/subpart-F/section-416.166',
  },
  indicators: {
    citation:
      'CMS OPPS/ASC final rule, Addendum DD1 (ASC payment indicators); definitions read on the CY 2022 and CY 2026 lists as First Coast Service Options republishes them',
    url: 'https://medicare.fcso.com/fees/ambulatory-surgical-center-asc-payment-indicators',
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Payment indicators

/** How a payment indicator is paid. */
type IndicatorRule =
  | { readonly kind: 'procedure'; readonly deviceIntensive: boolean; readonly what: string }
  | { readonly kind: 'per-unit'; readonly what: string }
  | { readonly kind: 'packaged'; readonly what: string }
  | { readonly kind: 'not-payable'; readonly what: string }
  | { readonly kind: 'contractor'; readonly what: string };

/** Addendum DD1's indicators, as this method pays them. An indicator not listed is unpriced. */
const INDICATORS: Readonly<Record<string, IndicatorRule>> = {
  A2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'surgical procedure on the ASC list in CY 2007, rate from the OPPS relative payment weight',
  },
  G2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'non office-based surgical procedure added in CY 2008 or later, rate from the OPPS relative payment weight',
  },
  R2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'office-based surgical procedure without MPFS non-facility PE RVUs, rate from the OPPS relative payment weight',
  },
  P2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'office-based surgical procedure, rate from the OPPS relative payment weight (lower than the MPFS non-facility PE amount)',
  },
  P3: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'office-based surgical procedure, rate from the MPFS non-facility PE RVUs (lower than the standard ASC rate)',
  },
  Z2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'radiology or diagnostic service integral to a surgical procedure, rate from the OPPS relative payment weight',
  },
  Z3: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'radiology or diagnostic service integral to a surgical procedure, rate from the MPFS non-facility PE RVUs',
  },
  D2: {
    kind: 'procedure',
    deviceIntensive: false,
    what: 'non office-based dental procedure added in CY 2024 or later (DD1 states no rate basis; the addendum gives a weight and rate by the standard methodology)',
  },
  J8: {
    kind: 'procedure',
    deviceIntensive: true,
    what: 'device-intensive procedure, paid at the adjusted rate (device portion not wage-adjusted)',
  },
  K2: {
    kind: 'per-unit',
    what: 'drug or biological paid separately when integral to a surgical procedure, at the OPPS rate per unit',
  },
  H2: {
    kind: 'per-unit',
    what: 'brachytherapy source paid separately when integral to a surgical procedure, at the OPPS rate per unit',
  },
  N1: { kind: 'packaged', what: 'packaged service or item: no separate payment' },
  L1: { kind: 'packaged', what: 'influenza or pneumococcal vaccine: packaged, no separate payment' },
  D1: { kind: 'packaged', what: 'ancillary dental service or item: no separate payment' },
  B5: { kind: 'not-payable', what: 'an alternative code may be available: no payment' },
  D5: { kind: 'not-payable', what: 'deleted or discontinued code: no payment' },
  K5: { kind: 'not-payable', what: 'no pricing information or claims data: no payment' },
  F4: {
    kind: 'contractor',
    what: 'corneal tissue acquisition or hepatitis B vaccine, paid at reasonable cost',
  },
  J7: { kind: 'contractor', what: 'OPPS pass-through device, contractor-priced' },
  K7: { kind: 'contractor', what: 'unclassified drug or biological, contractor-priced' },
  L6: {
    kind: 'contractor',
    what: 'special payment (new technology intraocular lens or qualifying non-opioid device): the addendum holds no rate',
  },
};

// ---------------------------------------------------------------------------------------------
// Wage index

/** The wage index an ASC line is paid on, or why there is none. */
type WageLookup =
  | {
      readonly ok: true;
      readonly used: WageIndexUsed;
      readonly value: number;
      readonly step: ExplanationStep;
    }
  | { readonly ok: false; readonly reason: UnpricedReason };

/**
 * The ASC wage index of the bill's CBSA in force on a date. We hold no ZIP→CBSA crosswalk, so
 * without `facility.cbsa` there is no area, and none is guessed; an area the file lists twice with
 * different values (CY2025) is refused for the same reason.
 */
function wageIndexFor(index: FeeIndex, cbsa: string | undefined, date: string): WageLookup {
  if (cbsa === undefined || cbsa === '') {
    return {
      ok: false,
      reason: {
        code: 'NO-LOCALITY',
        message:
          'An ASC rate is wage-adjusted by the CBSA of the surgery centre, and no ZIP→CBSA crosswalk is held: send facility.cbsa (five digits, or the two-digit state code of a rural area).',
      },
    };
  }
  const choice = index.editionFor('asc-wage-index', date);
  if (!choice) {
    return {
      ok: false,
      reason: { code: 'NO-EDITION', message: `No ASC wage index we hold covers ${date}.` },
    };
  }
  const edition = choice.edition;
  const rows = index.ascWageIndex(cbsa, edition);
  const where = (r: AscWageIndexEntry) => `${edition.source.file} line ${r.line}`;
  if (rows.length === 0) {
    return {
      ok: false,
      reason: {
        code: 'NO-LOCALITY',
        message: `CBSA ${cbsa} is not in the ${edition.label} (${edition.source.file}): check facility.cbsa.`,
      },
    };
  }
  const values = [...new Set(rows.map((r) => r.wageIndex))];
  if (values.length > 1) {
    return {
      ok: false,
      reason: {
        code: 'NO-LOCALITY',
        message: `The ${edition.label} lists area ${cbsa} more than once with different values (${rows
          .map((r) => `${r.wageIndex === null ? 'none' : formatScaled(r.wageIndex, 4)} on ${where(r)}`)
          .join(', ')}) and does not say which applies; we do not choose one.`,
      },
    };
  }
  const row = rows[0] as AscWageIndexEntry;
  if (row.wageIndex === null) {
    return {
      ok: false,
      reason: {
        code: 'NO-LOCALITY',
        message: `The ${edition.label} lists area ${cbsa} (${row.name}) without a value (${where(row)}).`,
      },
    };
  }
  const value = formatScaled(row.wageIndex, 4);
  const why = `ASC wage index of ${cbsa === row.cbsa ? `area ${cbsa}` : cbsa} (${row.name}) as the ${edition.label} prints it; the ASC is paid on the wage index of its own CBSA (42 CFR 416.172(c)), with no rural floor or reclassification in the ASC system.`;
  return {
    ok: true,
    value: row.wageIndex,
    used: { value, cbsa, basis: 'asc', why, edition: edition.id },
    step: {
      step: 'asc-wage-index',
      text: `ASC wage index ${value} for area ${cbsa} (${row.name}).`,
      inputs: { cbsa, wageIndex: value },
      source: { file: edition.source.file, line: row.line, edition: edition.id },
      regulation: ASC_REGULATIONS.wageAdjustment,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One line's rate

/** A line's rate row and what its indicator makes of it, before discounts. */
interface Assessed {
  readonly line: FacilityLine;
  readonly row: AscRateEntry;
  readonly rule: IndicatorRule;
  readonly device: AscDeviceEntry | undefined;
  readonly steps: readonly ExplanationStep[];
  readonly notices: readonly string[];
}

const HUNDRED_PERCENT_WAGE = 10_000;

/**
 * The wage-adjusted rate of one unit in cents: device portion as it is, the rest at
 * 50% × wage index + 50%, rounded to cents once.
 *
 * @param rate - national unadjusted rate, cents
 * @param devicePortion - cents not wage-adjusted (0 unless J8)
 * @param wageIndex - in ten-thousandths
 */
function wageAdjusted(rate: Cents, devicePortion: Cents, wageIndex: number): Cents {
  // (rate − device) cents × (5000 × WI/10⁴ + 5000)/10⁴ → cents × 10⁻⁸ scaled: exact in integers.
  const factor = 5_000 * wageIndex + 5_000 * HUNDRED_PERCENT_WAGE; // × 10⁻⁸
  const product = (rate - devicePortion) * factor;
  const adjusted = Number.isSafeInteger(product)
    ? roundToCents({ value: product, scale: 10 })
    : roundToCents(new Money(rate - devicePortion).times(factor).div(1e10));
  return cents(adjusted + devicePortion);
}

function rowSource(row: { edition: EditionInfo; line: number }) {
  return { file: row.edition.source.file, line: row.line, edition: row.edition.id };
}

function blank(
  _line: FacilityLine,
  kind: FacilityLinePrice['kind'],
  extra: Partial<FacilityLinePrice>,
): FacilityLinePrice {
  return {
    kind,
    amount: ZERO_CENTS,
    unitAmount: ZERO_CENTS,
    method: 'asc',
    edition: undefined,
    indicator: undefined,
    apc: undefined,
    wageIndex: undefined,
    packagedInto: undefined,
    reason: undefined,
    unpriced: undefined,
    steps: [],
    notices: [],
    ...extra,
  };
}

function reason(internalCode: InternalReasonCode, message: string) {
  return { internalCode, message };
}

/** The first day of the quarter after the one starting on `effective` (YYYY-MM-01). */
function quarterAfter(effective: string): string {
  const year = Number(effective.slice(0, 4));
  const month = Number(effective.slice(5, 7)) + 3;
  return month > 12
    ? `${year + 1}-${String(month - 12).padStart(2, '0')}-01`
    : `${year}-${String(month).padStart(2, '0')}-01`;
}

/** Finds the line's row: Addendum EE first (excluded), then AA, then BB, in the editions of its date. */
/**
 * What the addenda say about a code on a date depends on nothing else, and bills repeat a few
 * codes: the answers are kept per index (bounded), as the index keeps its RVU rows. The steps and
 * notices they hold are shared and never changed (every user copies before adding).
 */
const lookUps = new WeakMap<FeeIndex, Map<string, Omit<Assessed, 'line'> | FacilityLinePrice>>();

function lookUp(index: FeeIndex, line: FacilityLine): Assessed | FacilityLinePrice {
  let cache = lookUps.get(index);
  if (!cache) {
    cache = new Map();
    lookUps.set(index, cache);
  }
  const key = `${line.code ?? ''}|${line.dateOfService}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = readAddenda(index, line);
    if (cache.size >= 20_000) cache.clear();
    cache.set(
      key,
      'row' in found
        ? {
            row: found.row,
            rule: found.rule,
            device: found.device,
            steps: found.steps,
            notices: found.notices,
          }
        : found,
    );
  }
  return 'row' in found ? { ...found, line } : found;
}

function readAddenda(index: FeeIndex, line: FacilityLine): Assessed | FacilityLinePrice {
  const date = line.dateOfService;
  if (line.code === undefined) {
    return blank(line, 'unpriced', {
      unpriced: {
        code: 'NOT-IN-EDITION',
        message: 'An ASC is paid by HCPCS code (Addenda AA and BB); this line has only a revenue code.',
      },
    });
  }
  const code = line.code;
  const aa = index.editionFor('asc-aa', date);
  if (!aa) {
    return blank(line, 'unpriced', {
      unpriced: {
        code: 'NO-EDITION',
        message: `${date} is not in an edition we hold: the earliest ASC addenda held are ${index.editions('asc-aa')[0]?.label ?? 'none'}.`,
      },
    });
  }
  // The addenda are quarterly: a date after the quarter of the latest one held is priced on it
  // (docs/decisions/004: the last edition stays in force), and says so.
  const notices =
    aa.edition.termination === null && date >= quarterAfter(aa.edition.effective)
      ? [`${date} is after the last ASC quarter we hold; priced on the ${aa.edition.label}.`]
      : [];
  const ee = index.editionFor('asc-ee', date);
  const excludedAt = ee ? index.ascExcluded(code, ee.edition) : undefined;
  if (ee && excludedAt !== undefined) {
    return blank(line, 'not-payable', {
      edition: ee.edition.id,
      reason: reason(
        'ASC-EXCLUDED',
        `${code} is on the ${ee.edition.label}: excluded from payment in an ASC.`,
      ),
      steps: [
        {
          step: 'asc-excluded',
          text: `${code} is listed on Addendum EE (surgical procedures excluded from payment in ASCs): not paid in an ASC.`,
          source: rowSource({ edition: ee.edition, line: excludedAt }),
          regulation: ASC_REGULATIONS.coveredProcedures,
        },
      ],
      notices,
    });
  }
  const bb = index.editionFor('asc-bb', date);
  const row =
    index.ascRate('AA', code, aa.edition) ?? (bb ? index.ascRate('BB', code, bb.edition) : undefined);
  if (!row) {
    return blank(line, 'not-payable', {
      edition: aa.edition.id,
      reason: reason(
        'ASC-EXCLUDED',
        `${code} is on neither Addendum AA nor BB of ${aa.edition.label.replace(/^ASC Addendum AA /, '')}: not a service an ASC is paid for.`,
      ),
      steps: [
        {
          step: 'asc-not-covered',
          text: `${code} is neither a covered surgical procedure (${aa.edition.source.file}) nor a covered ancillary service (${bb?.edition.source.file ?? 'no Addendum BB held'}): not paid in an ASC.`,
          regulation: ASC_REGULATIONS.coveredProcedures,
        },
      ],
      notices,
    });
  }
  const rule = INDICATORS[row.indicator];
  const ff = index.editionFor('asc-ff', date);
  const device = row.addendum === 'AA' && ff ? index.ascDevice(code, ff.edition) : undefined;
  const weight = row.weight === null ? undefined : formatScaled(row.weight, 4);
  const rateStep: ExplanationStep = {
    step: 'asc-rate',
    text: `Addendum ${row.addendum}: ${code} payment indicator ${row.indicator}${rule ? ` (${rule.what})` : ''}${
      weight ? `, payment weight ${weight}` : ''
    }${row.rate === null ? ', no rate' : `, national unadjusted rate ${formatCents(cents(row.rate))}`}${
      row.addendum === 'AA' ? `, multiple procedure discounting ${row.multipleProcedure}` : ''
    }.`,
    inputs: {
      paymentIndicator: row.indicator,
      ...(weight ? { paymentWeight: weight } : {}),
      ...(row.rate === null ? {} : { nationalRate: formatCents(cents(row.rate)) }),
      ...(row.addendum === 'AA' ? { multipleProcedureDiscounting: row.multipleProcedure } : {}),
    },
    source: rowSource(row),
    regulation: ASC_REGULATIONS.indicators,
  };
  if (!rule) {
    return blank(line, 'unpriced', {
      edition: row.edition.id,
      indicator: row.indicator,
      unpriced: {
        code: 'NOT-IN-EDITION',
        message: `Payment indicator ${row.indicator} is not defined in a source we hold (Addendum DD1 as read); the line is not priced.`,
      },
      steps: [rateStep],
      notices,
    });
  }
  return { line, row, rule, device, steps: [rateStep], notices };
}

/** The modifier that reduces or discontinues a procedure, if any (73 before 52 before 74). */
function discontinuedModifier(modifiers: readonly string[]): '73' | '52' | '74' | undefined {
  if (modifiers.includes('73')) return '73';
  if (modifiers.includes('52')) return '52';
  if (modifiers.includes('74')) return '74';
  return undefined;
}

/** A procedure line's amount for one unit after wage adjustment and 52/73/74. */
interface UnitPrice {
  readonly unit: Cents;
  readonly reduced: boolean;
  readonly steps: ExplanationStep[];
}

function procedureUnit(
  a: Assessed,
  wage: { value: number; step: ExplanationStep },
): UnitPrice | UnpricedReason {
  const rate = a.row.rate;
  if (rate === null) {
    return {
      code: 'NOT-IN-EDITION',
      message: `Addendum ${a.row.addendum} gives ${a.row.code} (payment indicator ${a.row.indicator}) no rate.`,
    };
  }
  const steps: ExplanationStep[] = [wage.step];
  let devicePortion = ZERO_CENTS;
  if (a.rule.kind === 'procedure' && a.rule.deviceIntensive) {
    if (a.device?.devicePortion == null) {
      return {
        code: 'NOT-IN-EDITION',
        message: `${a.row.code} is device-intensive (J8) but Addendum FF gives it no device portion, so its rate cannot be split for the wage adjustment.`,
      };
    }
    devicePortion = cents(a.device.devicePortion);
    steps.push({
      step: 'asc-device-portion',
      text: `Addendum FF: device portion ${formatCents(devicePortion)} (device offset ${formatScaled(a.device.offsetPercent ?? 0, 2)}% of the OPPS rate ${
        a.device.oppsRate === null ? 'none' : formatCents(cents(a.device.oppsRate))
      }, APC ${a.device.apc ?? 'none'}), paid without wage adjustment.`,
      inputs: { devicePortion: formatCents(devicePortion) },
      source: rowSource(a.device),
      regulation: ASC_REGULATIONS.rates,
    });
  }
  const adjusted = wageAdjusted(cents(rate), devicePortion, wage.value);
  const wi = formatScaled(wage.value, 4);
  const nonDevice = formatCents(cents(rate - devicePortion));
  steps.push({
    step: 'asc-wage-adjustment',
    text:
      devicePortion > 0
        ? `${formatCents(devicePortion)} + (${formatCents(cents(rate))} − ${formatCents(devicePortion)}) × (0.50 × ${wi} + 0.50) = ${formatCents(adjusted)}, rounded to cents.`
        : `${nonDevice} × (0.50 × ${wi} + 0.50) = ${formatCents(adjusted)}, rounded to cents.`,
    inputs: {
      nationalRate: formatCents(cents(rate)),
      laborShare: '0.50',
      wageIndex: wi,
      ...(devicePortion > 0 ? { devicePortion: formatCents(devicePortion) } : {}),
    },
    result: formatCents(adjusted),
    regulation: ASC_REGULATIONS.wageAdjustment,
  });
  const modifier = discontinuedModifier(a.line.modifiers);
  if (modifier === undefined) return { unit: adjusted, reduced: false, steps };
  if (modifier === '74') {
    steps.push({
      step: 'asc-discontinued',
      text: 'Modifier 74 (discontinued after anaesthesia): paid in full, and subject to the multiple procedure discount.',
      regulation: ASC_REGULATIONS.discontinued,
    });
    return { unit: adjusted, reduced: false, steps };
  }
  const base = modifier === '73' ? cents(adjusted - devicePortion) : adjusted;
  const unit = percentOf(base, '50');
  steps.push({
    step: 'asc-discontinued',
    text:
      modifier === '73'
        ? `Modifier 73 (discontinued before anaesthesia): 50% of ${devicePortion > 0 ? `the rate without its device portion, (${formatCents(adjusted)} − ${formatCents(devicePortion)})` : formatCents(adjusted)} = ${formatCents(unit)}; no further multiple procedure discount.`
        : `Modifier 52 (reduced service): 50% of ${formatCents(adjusted)} = ${formatCents(unit)}; no further multiple procedure discount.`,
    inputs: { modifier, percent: '50' },
    result: formatCents(unit),
    regulation: ASC_REGULATIONS.discontinued,
  });
  return { unit, reduced: true, steps };
}

// ---------------------------------------------------------------------------------------------
// The bill

/**
 * A procedure's unit price for a code, date, area and modifier, kept like {@link lookUp}'s answers
 * (by the addendum edition, which belongs to one index).
 */
const unitPriceCaches = new WeakMap<EditionInfo, Map<string, UnitPrice | UnpricedReason>>();

function unitPriceOf(
  a: Assessed,
  wage: { value: number; step: ExplanationStep },
  cbsa: string,
): UnitPrice | UnpricedReason {
  let cache = unitPriceCaches.get(a.row.edition);
  if (!cache) {
    cache = new Map();
    unitPriceCaches.set(a.row.edition, cache);
  }
  const key = `${a.row.code}|${a.line.dateOfService}|${cbsa}|${discontinuedModifier(a.line.modifiers) ?? ''}`;
  let price = cache.get(key);
  if (price === undefined) {
    price = procedureUnit(a, wage);
    if (cache.size >= 20_000) cache.clear();
    cache.set(key, price);
  }
  return price;
}

/** A procedure line priced per unit, waiting for the multiple procedure discount. */
interface Pending {
  readonly a: Assessed;
  readonly price: UnitPrice;
  readonly wage: WageIndexUsed;
  /** Procedures the line counts for: its units. */
  readonly procedures: number;
  readonly discounted: boolean;
}

/**
 * Prices a surgery centre bill on the Medicare ASC method.
 *
 * @param index - the fee index (ASC addenda and wage index sections)
 * @param bill - a normalised facility bill of type "asc"
 * @returns one price per line, in line order, with the editions used
 * @example
 * const pricing = priceAscMedicare(index, bill);
 * pricing.lines[0].amount; // cents, wage-adjusted and discounted
 */
export function priceAscMedicare(index: FeeIndex, bill: FacilityBill): FacilityPricing {
  const out: (FacilityLinePrice | undefined)[] = bill.lines.map(() => undefined);
  const pending: { at: number; p: Pending }[] = [];
  const packaged: { at: number; a: Assessed }[] = [];
  const wageCache = new Map<string, WageLookup>();
  const wageOf = (date: string): WageLookup => {
    let w = wageCache.get(date);
    if (!w) {
      w = wageIndexFor(index, bill.facility.cbsa, date);
      wageCache.set(date, w);
    }
    return w;
  };

  bill.lines.forEach((line, at) => {
    const found = lookUp(index, line);
    if (!('row' in found)) {
      out[at] = found;
      return;
    }
    const a = found;
    const common = {
      edition: a.row.edition.id,
      indicator: a.row.indicator,
      apc: a.device?.apc,
      notices: a.notices,
    };
    switch (a.rule.kind) {
      case 'not-payable':
        out[at] = blank(line, 'not-payable', {
          ...common,
          reason: reason('ASC-NOT-PAYABLE', `Payment indicator ${a.row.indicator}: ${a.rule.what}.`),
          steps: a.steps,
        });
        return;
      case 'contractor':
        out[at] = blank(line, 'unpriced', {
          ...common,
          unpriced: {
            code: 'CARRIER-PRICED',
            message: `Payment indicator ${a.row.indicator}: ${a.rule.what}; the addendum holds no rate to price it on.`,
          },
          steps: a.steps,
        });
        return;
      case 'packaged':
        packaged.push({ at, a });
        return;
      case 'per-unit': {
        if (a.row.rate === null) {
          out[at] = blank(line, 'unpriced', {
            ...common,
            unpriced: { code: 'NOT-IN-EDITION', message: `Addendum BB gives ${a.row.code} no rate.` },
            steps: a.steps,
          });
          return;
        }
        const unit = cents(a.row.rate);
        const amount = cents(unit * line.units);
        out[at] = blank(line, 'paid', {
          ...common,
          amount,
          unitAmount: unit,
          steps: [
            ...a.steps,
            {
              step: 'asc-units',
              text: `${formatCents(unit)} a unit at the OPPS rate, not wage-adjusted, × ${line.units} unit${line.units === 1 ? '' : 's'} = ${formatCents(amount)}.`,
              inputs: { unitRate: formatCents(unit), units: String(line.units) },
              result: formatCents(amount),
              regulation: ASC_REGULATIONS.rates,
            },
          ],
        });
        return;
      }
      case 'procedure': {
        const wage = wageOf(line.dateOfService);
        if (!wage.ok) {
          out[at] = blank(line, 'unpriced', { ...common, unpriced: wage.reason, steps: a.steps });
          return;
        }
        const price = unitPriceOf(a, wage, bill.facility.cbsa ?? '');
        if (!('unit' in price)) {
          out[at] = blank(line, 'unpriced', {
            ...common,
            wageIndex: wage.used,
            unpriced: price,
            steps: a.steps,
          });
          return;
        }
        pending.push({
          at,
          p: {
            a,
            price,
            wage: wage.used,
            procedures: line.units,
            discounted: a.row.multipleProcedure === 'Y' && !price.reduced,
          },
        });
        return;
      }
    }
  });

  // Multiple procedure discount, one session a date of service: rank every procedure (unit) subject
  // to discounting by its amount; the highest is paid in full, every other at 50%.
  // Ranked by the lower of the billed charge (a unit's share of the line's charge) and the ASC
  // payment (ch. 14, § 40.5); the first line wins a tie. The rank is a comparison only, never money.
  const fullAt = new Map<string, number>();
  const rankOf = new Map<string, number>();
  for (const { at, p } of pending) {
    if (!p.discounted) continue;
    const date = p.a.line.dateOfService;
    const rank = Math.min(p.price.unit, p.a.line.charge / p.a.line.units);
    if (rank > (rankOf.get(date) ?? -1)) {
      rankOf.set(date, rank);
      fullAt.set(date, at);
    }
  }
  for (const { at, p } of pending) {
    const { line } = p.a;
    const unit = p.price.unit;
    const isFull = p.discounted && fullAt.get(line.dateOfService) === at;
    const fullCount = !p.discounted ? p.procedures : isFull ? 1 : 0;
    const halfCount = p.procedures - fullCount;
    const half = percentOf(unit, '50');
    const amount = cents(unit * fullCount + half * halfCount);
    const steps = [...p.a.steps, ...p.price.steps];
    const bilateral = line.modifiers.includes('50')
      ? [
          'Modifier 50 is not recognised for ASC payment: a bilateral procedure is billed as two units or on two lines (Claims Processing Manual ch. 14, § 40.5), so this line is paid for its units only.',
        ]
      : [];
    let why: { internalCode: string; message: string } | undefined;
    if (p.discounted && halfCount > 0) {
      steps.push({
        step: 'asc-multiple-procedure',
        text: `${p.procedures} procedure${p.procedures === 1 ? '' : 's'} on this line: ${fullCount} at 100% (${formatCents(unit)}) and ${halfCount} at 50% (${formatCents(half)}) = ${formatCents(amount)}; ${
          isFull
            ? 'this is the highest paying procedure of the session'
            : `the highest paying procedure of the session is line ${bill.lines[fullAt.get(line.dateOfService) ?? 0]?.lineNumber}`
        }.`,
        inputs: { unitAmount: formatCents(unit), fullRate: String(fullCount), halfRate: String(halfCount) },
        result: formatCents(amount),
        regulation: ASC_REGULATIONS.multipleProcedure,
      });
      why = reason(
        'ASC-MULTIPLE-PROCEDURE',
        `Multiple procedure discount: ${halfCount} of ${p.procedures} at 50%.`,
      );
    } else {
      steps.push({
        step: 'asc-units',
        text: `${formatCents(unit)} × ${p.procedures} = ${formatCents(amount)}${
          p.a.row.multipleProcedure === 'N' ? ' (not subject to multiple procedure discounting)' : ''
        }${p.discounted ? ' (highest paying procedure of the session, at 100%)' : ''}.`,
        inputs: { unitAmount: formatCents(unit), procedures: String(p.procedures) },
        result: formatCents(amount),
      });
    }
    if (p.price.reduced) {
      why = reason(
        'ASC-REDUCED',
        `Reduced or discontinued procedure (modifier ${discontinuedModifier(line.modifiers)}): 50%.`,
      );
    }
    out[at] = blank(line, 'paid', {
      edition: p.a.row.edition.id,
      indicator: p.a.row.indicator,
      apc: p.a.device?.apc,
      wageIndex: p.wage,
      amount,
      unitAmount: unit,
      reason: why,
      steps,
      notices: [...p.a.notices, ...bilateral],
    });
  }

  // Packaged lines go with the session's highest paying procedure (or, without a discounted one,
  // the highest paid procedure line of that date).
  for (const { at, a } of packaged) {
    const date = a.line.dateOfService;
    let into = fullAt.get(date);
    if (into === undefined) {
      let best = -1;
      for (const { at: j, p } of pending) {
        if (p.a.line.dateOfService === date && p.price.unit > best) {
          best = p.price.unit;
          into = j;
        }
      }
    }
    const intoLine = into === undefined ? undefined : bill.lines[into]?.lineNumber;
    out[at] = blank(a.line, 'packaged', {
      edition: a.row.edition.id,
      indicator: a.row.indicator,
      apc: a.device?.apc,
      packagedInto: intoLine,
      reason: reason('ASC-PACKAGED', `Payment indicator ${a.row.indicator}: ${a.rule.what}.`),
      steps: [
        ...a.steps,
        {
          step: 'asc-packaged',
          text: `Packaged: paid as part of the ASC payment for ${intoLine === undefined ? 'the surgical procedure' : `line ${intoLine}`}.`,
          regulation: ASC_REGULATIONS.indicators,
        },
      ],
      notices: [
        ...a.notices,
        ...(intoLine === undefined
          ? [
              `No separately paid procedure on ${date} on this bill: the packaged line is paid as part of a procedure billed elsewhere, or not at all.`,
            ]
          : []),
      ],
    });
  }

  const lines = out.map((p, i) => p ?? blank(bill.lines[i] as FacilityLine, 'unpriced', {}));
  const editions = new Set<string>();
  for (const p of lines) {
    if (p.edition) editions.add(p.edition);
    if (p.wageIndex) editions.add(p.wageIndex.edition);
    for (const s of p.steps) if (s.source) editions.add(s.source.edition);
  }
  return {
    lines,
    claimSteps: [],
    notices: bill.facility.cbsa
      ? []
      : [
          'No facility.cbsa on the bill: ASC procedures, which are wage-adjusted, are not priced (we hold no ZIP→CBSA crosswalk).',
        ],
    editions: [...editions].sort(),
  };
}

/**
 * The ASC rate of a code on a date, as `GET /v1/fee-schedules/{j}/{code}?setting=asc` answers it:
 * national unadjusted, and wage-adjusted when a CBSA is given and the indicator is wage-adjusted.
 *
 * @param index - the fee index
 * @param code - HCPCS code
 * @param date - YYYY-MM-DD
 * @param cbsa - the ASC's CBSA, or undefined for the national rate only
 * @returns the rate, or undefined when no ASC addendum of the date lists the code
 * @example ascRate(index, '29881', '2026-03-02', '38060')?.wageAdjusted?.amount
 */
export function ascRate(
  index: FeeIndex,
  code: string,
  date: string,
  cbsa: string | undefined,
): FacilityRate | undefined {
  const line: FacilityLine = {
    index: 0,
    lineNumber: 1,
    revenueCode: '0490',
    code,
    modifiers: [],
    units: 1,
    charge: ZERO_CENTS,
    dateOfService: date,
    codeField: 'code',
  };
  const found = lookUp(index, line);
  if (!('row' in found)) return undefined;
  const { row, rule } = found;
  const notes = [...found.notices, `Payment indicator ${row.indicator}: ${rule.what}.`];
  const payable = rule.kind === 'procedure' || rule.kind === 'per-unit';
  const base = {
    code,
    setting: 'asc' as const,
    indicator: row.indicator,
    apc: found.device?.apc,
    nationalRate: payable && row.rate !== null ? formatCents(cents(row.rate)) : null,
    edition: row.edition.id,
  };
  if (rule.kind !== 'procedure' || cbsa === undefined) {
    if (rule.kind === 'procedure') notes.push('Give a CBSA for the wage-adjusted rate.');
    if (rule.kind === 'per-unit') notes.push('Paid per unit at the OPPS rate, not wage-adjusted.');
    return { ...base, wageAdjusted: undefined, steps: found.steps, notes };
  }
  const wage = wageIndexFor(index, cbsa, date);
  if (!wage.ok) {
    notes.push(wage.reason.message);
    return { ...base, wageAdjusted: undefined, steps: found.steps, notes };
  }
  const price = procedureUnit(found, wage);
  if (!('unit' in price)) {
    notes.push(price.message);
    return { ...base, wageAdjusted: undefined, steps: found.steps, notes };
  }
  return {
    ...base,
    wageAdjusted: { amount: formatCents(price.unit), wageIndex: wage.used },
    steps: [...found.steps, ...price.steps],
    notes,
  };
}
