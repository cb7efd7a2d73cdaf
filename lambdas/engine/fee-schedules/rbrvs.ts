import type { SuppliedProvenance } from '../../domain/supplied.js';
import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex, GpciEntry, RvuEntry } from '../../fee-index/reader.js';
import { type InternalReasonCode, REGULATIONS } from '../adjustments/reason-codes.js';
import {
  type Cents,
  cents,
  formatCents,
  formatScaled,
  Money,
  roundToCents,
  type ScaledDecimal,
} from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';

/** Where the services were performed, as the GPCI file names it. */
export interface Locality {
  readonly carrier: string;
  readonly locality: string;
}

export interface RbrvsQuery {
  readonly code: string;
  /** All modifiers on the line; the pricing modifier (26, TC, 53) is picked from them. */
  readonly modifiers: readonly string[];
  readonly date: string;
  readonly locality: Locality;
  readonly setting: 'facility' | 'non-facility';
  /**
   * A state's conversion factor in place of Medicare's (rbrvs-state-cf jurisdictions), in
   * ten-thousandths, with what to say about it. Default: the CF on the RVU row.
   */
  readonly conversionFactor?: { readonly value: number; readonly description: string };
  /** The ZIP is rural in the CMS ZIP file (state tables with rural rates read it). */
  readonly rural?: boolean;
  /** The five-digit ZIP and its state (DMEPOS fees are by state, rural by the DMEPOS ZIP list). */
  readonly zip?: string;
  readonly state?: string;
  /** Anesthesia time in minutes (anesthesia codes). */
  readonly anesthesiaMinutes?: number | undefined;
  /**
   * The answer will not show the steps' words (explain=summary or none): the steps keep their
   * source rows and leave out their text and inputs, which cost more to build than the price.
   */
  readonly lean?: boolean;
}

/**
 * What pricing one line gives, whatever the method (RBRVS, a state table, CLFS, DMEPOS, NADAC,
 * anesthesia): an amount for one unit, a zero with its reason, or no amount and why.
 */
export type FeeResult =
  | {
      readonly kind: 'priced';
      /** Fee schedule amount for one unit. */
      readonly unitAmount: Cents;
      /** How it was priced, and on which edition (opps, asc, ipps: a facility line, whole-line amounts). */
      readonly method:
        | 'rbrvs'
        | 'state-table'
        | 'clfs'
        | 'dmepos'
        | 'nadac'
        | 'anesthesia'
        | 'opps'
        | 'asc'
        | 'ipps';
      readonly edition: EditionInfo;
      /** Medicare status of the code, when the RVU file priced it (the status T rule reads it). */
      readonly pfsStatus?: string;
      /** The RVU row that priced it (payment policy indicators for the rules). */
      readonly rvu?: RvuEntry;
      /** Practice expense part of one unit, in cents (RBRVS): therapy units are ranked by it. */
      readonly pePart?: Cents;
      /**
       * One unit priced with 50% of its PE RVU, rounded once (RBRVS, MULT PROC 5 only): what a
       * therapy unit after the first is paid (see {@link peReducedUnit}).
       */
      readonly peReducedUnit?: Cents;
      readonly locality?: { readonly carrier: string; readonly locality: string; readonly name: string };
      /** Every edition read, for the bill's list of sources. */
      readonly editions: readonly EditionInfo[];
      readonly steps: ExplanationStep[];
      readonly notices: string[];
      /** The supplied edition (issue 20) that priced it, when a customer's edition did. */
      readonly supplied?: SuppliedProvenance;
    }
  | {
      readonly kind: 'zero';
      readonly reason: InternalReasonCode;
      readonly message: string;
      /** The rule behind the zero; default: the CMS RVU file documentation. */
      readonly regulation?: { readonly citation: string; readonly url: string };
      readonly rvu?: RvuEntry;
      readonly steps: ExplanationStep[];
      readonly notices: string[];
      /** The supplied edition (issue 20) that priced it, when a customer's edition did. */
      readonly supplied?: SuppliedProvenance;
    }
  | {
      readonly kind: 'unpriced';
      readonly reason: UnpricedReason;
      readonly rvu?: RvuEntry;
      readonly steps: ExplanationStep[];
      readonly notices: string[];
      /** The supplied edition (issue 20) that priced it, when a customer's edition did. */
      readonly supplied?: SuppliedProvenance;
    };

/** Hundredths → "1.30". */
function hundredths(value: number): string {
  return formatScaled(value, 2, 2);
}

/** Ten-thousandths → "1.014" (GPCIs and conversion factors as CMS prints them, at least one decimal). */
function tenThousandths(value: number): string {
  return formatScaled(value, 4, 1);
}

/**
 * The RBRVS product as an exact decimal: GPCI-adjusted RVUs (scaled 10^6) × conversion factor
 * (scaled 10^4). Both are integers, so their product, scaled 10^10, is exact while it is a safe
 * integer (it always is for real RVUs: 9,999.99 RVUs × GPCI 9.9999 × CF 999.9999 < 2^53 / 9).
 */
function product(sum: number, cf: number): Money | ScaledDecimal {
  const p = sum * cf;
  return Number.isSafeInteger(p) ? { value: p, scale: 10 } : new Money(sum).times(cf).div(1e10);
}

/** The product as the explanation prints it. */
function productText(exact: Money | ScaledDecimal): string {
  return exact instanceof Money ? exact.toString() : formatScaled(exact.value, exact.scale);
}

function source(edition: EditionInfo, line: number) {
  return { file: edition.source.file, line, edition: edition.id };
}

interface RvuTexts {
  readonly workRvu: string;
  readonly mpRvu: string;
  readonly nonFacilityPeRvu: string;
  readonly facilityPeRvu: string;
  readonly cfText: string;
}

/** RVU entries are shared per code (the index keeps them), so their printed values are too. */
const rvuTextCache = new WeakMap<RvuEntry, RvuTexts>();

function rvuTexts(rvu: RvuEntry): RvuTexts {
  let texts = rvuTextCache.get(rvu);
  if (!texts) {
    texts = {
      workRvu: hundredths(rvu.workRvu),
      mpRvu: hundredths(rvu.mpRvu),
      nonFacilityPeRvu: hundredths(rvu.nonFacilityPeRvu),
      facilityPeRvu: hundredths(rvu.facilityPeRvu),
      cfText: tenThousandths(rvu.conversionFactor),
    };
    rvuTextCache.set(rvu, texts);
  }
  return texts;
}

interface GpciExplanation {
  readonly workGpci: string;
  readonly peGpci: string;
  readonly mpGpci: string;
  readonly step: ExplanationStep;
}

/** GPCI entries are shared per locality (the index keeps them), so their explanation is too. */
const gpciExplanations = new WeakMap<GpciEntry, GpciExplanation>();

function gpciExplained(gpci: GpciEntry): GpciExplanation {
  let explained = gpciExplanations.get(gpci);
  if (!explained) {
    const workGpci = tenThousandths(gpci.workGpci);
    const peGpci = tenThousandths(gpci.peGpci);
    const mpGpci = tenThousandths(gpci.mpGpci);
    explained = {
      workGpci,
      peGpci,
      mpGpci,
      step: Object.freeze({
        step: 'gpci',
        text: `Carrier ${gpci.carrier} locality ${gpci.locality} (${gpci.name}): work GPCI ${workGpci}, PE GPCI ${peGpci}, malpractice GPCI ${mpGpci}.`,
        inputs: Object.freeze({ carrier: gpci.carrier, locality: gpci.locality, workGpci, peGpci, mpGpci }),
        source: Object.freeze(source(gpci.edition, gpci.line)),
        regulation: REGULATIONS.gpci,
      }),
    };
    gpciExplanations.set(gpci, explained);
  }
  return explained;
}

/** Status codes (RVU file documentation, Attachment A) that are paid nothing, with their reason. */
const ZERO_STATUS: Readonly<Record<string, { reason: InternalReasonCode; meaning: string }>> = {
  B: {
    reason: 'FS-STATUS-BUNDLED',
    meaning: 'bundled code: payment is always included in payment for other services',
  },
  P: {
    reason: 'FS-STATUS-BUNDLED',
    meaning: 'bundled/excluded code: no separate payment under the fee schedule',
  },
  N: { reason: 'FS-STATUS-NONCOVERED', meaning: 'non-covered service' },
  X: {
    reason: 'FS-STATUS-NONCOVERED',
    meaning: 'statutory exclusion: not a physician service payable under the fee schedule',
  },
  I: { reason: 'FS-STATUS-INVALID', meaning: 'not valid for Medicare purposes; Medicare uses another code' },
  G: { reason: 'FS-STATUS-INVALID', meaning: 'not valid for Medicare purposes; Medicare uses another code' },
  D: { reason: 'FS-STATUS-INVALID', meaning: 'deleted code' },
  F: { reason: 'FS-STATUS-INVALID', meaning: 'deleted/discontinued code' },
  H: { reason: 'FS-STATUS-INVALID', meaning: 'deleted modifier' },
  M: { reason: 'FS-STATUS-REPORTING', meaning: 'measurement code, for reporting only' },
};

/** Status codes with no fee schedule amount that someone must price another way: never guessed. */
const UNPRICED_STATUS: Readonly<Record<string, { code: UnpricedReason['code']; meaning: string }>> = {
  C: {
    code: 'CARRIER-PRICED',
    meaning: 'carrier-priced: the contractor prices it by report (individual consideration)',
  },
  E: {
    code: 'EXCLUDED-FROM-PFS',
    meaning:
      'excluded from the physician fee schedule by regulation; paid, when covered, under another method',
  },
  J: { code: 'ANESTHESIA', meaning: 'anesthesia service: priced by base and time units, not RVUs' },
};

/**
 * Status R in the RVU file documentation (Attachment A): "Restricted Coverage. Special coverage
 * instructions apply. If covered, the service is contractor priced." The same documentation (Status
 * Code field) says "Only RVUs associated with status codes of "A", "R", or "T", are used for
 * Medicare payment"; CMS's 2025 Delaware payment file lists 97026 (status R) at $6.76, its RVU
 * amount (issue 14; that file is not among the files we hold). So a status R code is priced from
 * its RVUs where the file publishes any for the setting, and otherwise left to the contractor
 * (unpriced), as the definition says.
 */
const RESTRICTED =
  'restricted coverage (RVU file documentation, Attachment A: "Special coverage instructions apply. If covered, the service is contractor priced.")';

/**
 * The modifier whose RVU row prices the line: 26 (professional component) or TC (technical
 * component) when billed, 53 where CMS publishes a discontinued-procedure row, else the global row.
 */
function pricingModifier(modifiers: readonly string[]): string {
  if (modifiers.includes('26')) return '26';
  if (modifiers.includes('TC')) return 'TC';
  if (modifiers.includes('53')) return '53';
  return '';
}

function gpciAdjustedSum(work: number, pe: number, mp: number, gpci: GpciEntry): number {
  // RVUs (hundredths) × GPCIs (ten-thousandths) are integers well below 2^53, so this sum is exact.
  return work * gpci.workGpci + pe * gpci.peGpci + mp * gpci.mpGpci;
}

/**
 * One unit of a therapy code (MULT PROC 5) priced with 50% of its practice expense, as one price:
 * [(work RVU × work GPCI) + (50% × PE RVU × PE GPCI) + (MP RVU × MP GPCI)] × CF, rounded half up
 * once on the unrounded product (decision 001), not the full fee less a PE amount rounded twice.
 * The 50% is the RVU file documentation's MULT PROC indicator 5 ("Subject to 50% of the practice
 * expense component for certain therapy services") and the Medicare Claims Processing Manual,
 * Chapter 5, § 10.7 (multiple procedure payment reduction for therapy services).
 *
 * @param rvu - the RVU row
 * @param pe - its PE RVU for the line's setting, in hundredths
 * @param gpci - the locality's GPCIs
 * @param cf - the conversion factor, in ten-thousandths
 * @returns the reduced unit amount in cents
 */
function peReducedUnit(rvu: RvuEntry, pe: number, gpci: GpciEntry, cf: number): Cents {
  // Twice the reduced GPCI-adjusted RVUs is an integer (scale 10^6), so the product stays exact:
  // (doubled / 2) × CF at scale 10^10 is doubled × CF × 5 at scale 10^11.
  const doubled = 2 * rvu.workRvu * gpci.workGpci + pe * gpci.peGpci + 2 * rvu.mpRvu * gpci.mpGpci;
  const p = doubled * cf * 5;
  return roundToCents(
    Number.isSafeInteger(p) ? { value: p, scale: 11 } : new Money(doubled).times(cf).div(2e10),
  );
}

/** Edition date ranges as an answer names them: "2025-01-01 to 2025-12-31, 2026-01-01 to open". */
export function heldRanges(editions: readonly { effective: string; termination: string | null }[]): string {
  return editions.map((e) => `${e.effective} to ${e.termination ?? 'open'}`).join(', ');
}

/** Why a date has no Medicare physician fee schedule amount: no RVU edition covers it. */
export function noMedicareEdition(index: FeeIndex, date: string): UnpricedReason {
  return {
    code: 'NO-EDITION',
    message: `We hold no Medicare physician fee schedule edition for ${date} (we hold ${heldRanges(index.editions('pfs-rvu'))}).`,
  };
}

/**
 * The RBRVS amount for one unit: [(work RVU × work GPCI) + (PE RVU × PE GPCI) + (MP RVU × MP GPCI)]
 * × conversion factor, rounded half up to cents (42 CFR § 414.20; RVU file documentation), with
 * the OPPS cap on imaging where the RVU file carries OPPS values, and every step explained.
 *
 * @param index - the fee index
 * @param query - code, modifiers, date, locality, setting
 * @returns the priced amount, a zero with its reason, or an unpriced result
 * @example rbrvsFee(index, { code: '99213', modifiers: [], date: '2025-03-04', locality: { carrier: '12102', locality: '01' }, setting: 'non-facility' })
 */
export function rbrvsFee(index: FeeIndex, query: RbrvsQuery): FeeResult {
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  const rvuChoice = index.editionFor('pfs-rvu', query.date);
  if (!rvuChoice) return { kind: 'unpriced', reason: noMedicareEdition(index, query.date), steps, notices };
  const edition = rvuChoice.edition;
  if (rvuChoice.pastLatest) {
    notices.push(
      `${query.date} is after ${edition.year}; priced on ${edition.label}, the latest edition we hold, which stays in force until a newer one is loaded.`,
    );
  }
  if (query.modifiers.includes('26') && query.modifiers.includes('TC')) {
    return {
      kind: 'zero',
      reason: 'FS-MODIFIER-INVALID',
      message: `Modifiers 26 and TC on one line contradict each other: bill the professional and technical components on separate lines, or neither for the global service.`,
      steps,
      notices,
    };
  }
  const modifier = pricingModifier(query.modifiers);
  const rvu = index.rvu(query.code, modifier, edition);
  if (!rvu && modifier === '53' && index.rvu(query.code, '', edition)) {
    // RVU file documentation (Modifier): CMS publishes 53 rows for a few colonoscopy codes only;
    // "any other codes billed with modifier -53 are ... priced by individual consideration".
    return {
      kind: 'unpriced',
      reason: {
        code: 'CARRIER-PRICED',
        message: `${query.code}-53 (discontinued procedure) has no row in ${edition.label}: it is priced by individual consideration, by report.`,
      },
      steps,
      notices,
    };
  }
  if (!rvu) {
    const global = modifier === '26' || modifier === 'TC' ? index.rvu(query.code, '', edition) : undefined;
    if (global) {
      steps.push({
        step: 'modifier',
        text: `${query.code} has PC/TC indicator ${global.pctcIndicator}: ${edition.label} has no ${modifier} row for it, so modifier ${modifier} cannot be billed with it.`,
        source: source(edition, global.line),
        regulation: REGULATIONS.rvuFile,
      });
      return {
        kind: 'zero',
        reason: 'FS-MODIFIER-INVALID',
        message: `Modifier ${modifier} is not valid with ${query.code} (PC/TC indicator ${global.pctcIndicator}).`,
        rvu: global,
        steps,
        notices,
      };
    }
    const what = modifier === '' ? query.code : `${query.code}-${modifier}`;
    const held = edition.complete
      ? `${edition.label} (${edition.source.file}) has no row for ${what}`
      : `${what} is not in the ${edition.year} edition we hold: we hold only an excerpt of ${edition.source.file} (${edition.source.rows} rows)`;
    return {
      kind: 'unpriced',
      reason: { code: 'NOT-IN-EDITION', message: `${held}. We do not price it from another year.` },
      steps,
      notices,
    };
  }

  const lean = query.lean === true;
  const { workRvu, mpRvu, nonFacilityPeRvu, facilityPeRvu, cfText } = rvuTexts(rvu);
  if (lean) steps.push({ step: 'relative-values', text: '', source: source(edition, rvu.line) });
  else
    steps.push({
      step: 'relative-values',
      text: `${edition.label}: ${rvu.code}${rvu.modifier ? `-${rvu.modifier}` : ''} status ${rvu.status}, work RVU ${workRvu}, non-facility PE RVU ${nonFacilityPeRvu}, facility PE RVU ${facilityPeRvu}, malpractice RVU ${mpRvu}, conversion factor ${cfText}.`,
      inputs: {
        status: rvu.status,
        workRvu,
        nonFacilityPeRvu,
        facilityPeRvu,
        mpRvu,
        conversionFactor: cfText,
        pctcIndicator: rvu.pctcIndicator,
        globalDays: rvu.globalDays,
      },
      source: source(edition, rvu.line),
      regulation: REGULATIONS.rvuFile,
    });

  const zero = ZERO_STATUS[rvu.status];
  if (zero) {
    return {
      kind: 'zero',
      reason: zero.reason,
      message: `${rvu.code} has status ${rvu.status} in ${edition.label}: ${zero.meaning}.`,
      rvu,
      steps,
      notices,
    };
  }
  const unpriced = UNPRICED_STATUS[rvu.status];
  if (unpriced) {
    // Anesthesia: the locality's conversion factor is held (ANES file), CMS's base units are not.
    const anesthesiaChoice = rvu.status === 'J' ? index.editionFor('anesthesia-cf', query.date) : undefined;
    const anesthesiaCf = anesthesiaChoice
      ? index.anesthesiaCf(query.locality.carrier, query.locality.locality, anesthesiaChoice.edition)
      : undefined;
    const held = anesthesiaCf
      ? ` The locality's anesthesia conversion factor is ${tenThousandths(anesthesiaCf.conversionFactor)} (${anesthesiaCf.edition.source.file} line ${anesthesiaCf.line}), but CMS's base units are not in the data we hold.`
      : '';
    return {
      kind: 'unpriced',
      reason: {
        code: unpriced.code,
        message: `${rvu.code} has status ${rvu.status} in ${edition.label}: ${unpriced.meaning}.${held}`,
      },
      rvu,
      steps,
      notices,
    };
  }
  const facility = query.setting === 'facility';
  const pe = facility ? rvu.facilityPeRvu : rvu.nonFacilityPeRvu;
  if (rvu.status === 'R') {
    if (rvu.workRvu + pe + rvu.mpRvu === 0) {
      return {
        kind: 'unpriced',
        reason: {
          code: 'RESTRICTED',
          message: `${rvu.code} has status R in ${edition.label}: ${RESTRICTED}; the file publishes no ${query.setting} RVUs for it, so the contractor prices it by report.`,
        },
        rvu,
        steps,
        notices,
      };
    }
    notices.push(
      `${rvu.code} has status R in ${edition.label}: ${RESTRICTED}. The file publishes RVUs for it, and the documentation says RVUs of status A, R and T codes are used for Medicare payment, so it is priced from them; coverage is restricted: check that the special coverage instructions are met.`,
    );
  } else if (rvu.status !== 'A' && rvu.status !== 'T') {
    return {
      kind: 'unpriced',
      reason: {
        code: 'NOT-IN-EDITION',
        message: `${rvu.code} has status ${rvu.status} in ${edition.label}, which this engine does not know how to pay.`,
      },
      rvu,
      steps,
      notices,
    };
  }

  const gpciChoice = index.editionFor('gpci', query.date);
  const gpci = gpciChoice
    ? index.gpci(query.locality.carrier, query.locality.locality, gpciChoice.edition)
    : undefined;
  if (!gpciChoice || !gpci) {
    return {
      kind: 'unpriced',
      reason: {
        code: 'NO-LOCALITY',
        message: gpciChoice
          ? `${gpciChoice.edition.label} has no GPCIs for carrier ${query.locality.carrier} locality ${query.locality.locality}.`
          : `We hold no GPCI edition for ${query.date}.`,
      },
      rvu,
      steps,
      notices,
    };
  }
  if (gpciChoice.pastLatest && !rvuChoice.pastLatest) {
    notices.push(
      `${query.date} is after ${gpciChoice.edition.year}; GPCIs of ${gpciChoice.edition.label}, the latest we hold.`,
    );
  }

  const na = facility ? rvu.facilityNa : rvu.nonFacilityNa;
  if (na) {
    notices.push(
      `${rvu.code} carries the NA indicator for the ${query.setting} setting: CMS considers it rarely or never performed there; priced with the ${query.setting} PE RVU the file publishes.`,
    );
  }
  const { workGpci, peGpci, mpGpci, step: gpciStep } = gpciExplained(gpci);
  steps.push(gpciStep);

  const sum = gpciAdjustedSum(rvu.workRvu, pe, rvu.mpRvu, gpci);
  const cf = query.conversionFactor?.value ?? rvu.conversionFactor;
  if (query.conversionFactor && !lean) {
    steps.push({
      step: 'conversion-factor',
      text: `${query.conversionFactor.description}: ${tenThousandths(cf)} in place of the Medicare conversion factor ${cfText}.`,
      inputs: { conversionFactor: tenThousandths(cf), medicareConversionFactor: cfText },
    });
  }
  const fee = product(sum, cf);
  let unitAmount = roundToCents(fee);
  if (!lean) {
    const unitText = formatCents(unitAmount);
    const peRvu = facility ? facilityPeRvu : nonFacilityPeRvu;
    const adjusted = formatScaled(sum, 6);
    const feeText = productText(fee);
    steps.push({
      step: 'fee-schedule-amount',
      text: `(${workRvu} × ${workGpci}) + (${peRvu} × ${peGpci}) + (${mpRvu} × ${mpGpci}) = ${adjusted} GPCI-adjusted RVUs; × ${tenThousandths(cf)} = ${feeText}; rounded half up to cents: ${unitText} (${query.setting} rate).`,
      inputs: {
        setting: query.setting,
        peRvu,
        adjustedRvus: adjusted,
        conversionFactor: tenThousandths(cf),
        unrounded: feeText,
      },
      result: unitText,
      regulation: REGULATIONS.feeFormula,
    });
  }

  const oppsPe = facility ? rvu.oppsFacilityPe : rvu.oppsNonFacilityPe;
  // The OPPS cap is Medicare's (SSA § 1848(b)(4)); a state's own conversion factor is not capped by it.
  if (!query.conversionFactor && (oppsPe !== 0 || rvu.oppsMp !== 0)) {
    const oppsSum = gpciAdjustedSum(rvu.workRvu, oppsPe, rvu.oppsMp, gpci);
    const oppsAmount = roundToCents(product(oppsSum, cf));
    const capped = oppsAmount < unitAmount;
    const capEdition = index.editionFor('opps-cap', query.date);
    const capRow = capEdition
      ? index.oppsCap(rvu.code, rvu.modifier, capEdition.edition, gpci.carrier, gpci.locality)
      : undefined;
    const unitText = formatCents(unitAmount);
    let text = `OPPS cap: [(${workRvu} × ${workGpci}) + (OPPS PE ${hundredths(oppsPe)} × ${peGpci}) + (OPPS MP ${hundredths(rvu.oppsMp)} × ${mpGpci})] × ${tenThousandths(cf)} = ${formatCents(oppsAmount)}; ${capped ? `lower than ${unitText}, so the OPPS amount is paid` : `not lower than ${unitText}, so the fee schedule amount stands`}.`;
    let result = capped ? oppsAmount : unitAmount;
    if (capRow) {
      const filePrice = cents(facility ? capRow.facilityPrice : capRow.nonFacilityPrice);
      text += ` CMS's OPPS cap file prices it at ${formatCents(filePrice)}.`;
      if (filePrice !== result) {
        notices.push(
          `The OPPS cap file (${capRow.edition.source.file} line ${capRow.line}) gives ${formatCents(filePrice)} where the formula gives ${formatCents(result)}; the file's price is used.`,
        );
        result = filePrice;
      }
    }
    steps.push({
      step: 'opps-cap',
      text,
      inputs: {
        oppsPeRvu: hundredths(oppsPe),
        oppsMpRvu: hundredths(rvu.oppsMp),
        oppsAmount: formatCents(oppsAmount),
      },
      result: formatCents(result),
      ...(capRow ? { source: source(capRow.edition, capRow.line) } : {}),
      regulation: REGULATIONS.oppsCap,
    });
    unitAmount = result;
  }
  // peReducedUnit is assigned, not spread in (a spread takes V8's slow path on every priced line).
  const priced: Extract<FeeResult, { kind: 'priced' }> & { peReducedUnit?: Cents } = {
    kind: 'priced',
    unitAmount,
    method: 'rbrvs',
    edition,
    pfsStatus: rvu.status,
    rvu,
    pePart: roundToCents(product(pe * gpci.peGpci, cf)),
    locality: { carrier: gpci.carrier, locality: gpci.locality, name: gpci.name },
    editions: [edition, gpci.edition],
    steps,
    notices,
  };
  if (rvu.multipleProcedure === '5') priced.peReducedUnit = peReducedUnit(rvu, pe, gpci, cf);
  return priced;
}
