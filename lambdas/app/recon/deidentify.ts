/**
 * HIPAA Safe Harbor de-identification of one stored Recon sequence, for analytics
 * (45 CFR § 164.514(b)(2)). Pure: the decrypted content in, one record out; no clock, no
 * randomness, no I/O (the caller supplies the pseudonym and the year of release).
 *
 * The record is built from named fields only (a whitelist): nothing of the input is copied as a
 * whole object, and every value kept is checked against the format it must have (a code, a
 * modifier, an amount, a year), so an unknown field, or free text in a known one, can never reach
 * the output. What is removed, by the identifiers of § 164.514(b)(2)(i):
 *
 * - (A) names: patient, employer, payer and provider names are not read at all;
 * - (B) geographic subdivisions smaller than a state: street, city and ZIP are dropped, except the
 *   first three digits of a ZIP where the population rule allows it (see
 *   {@link SAFE_HARBOR_RESTRICTED_ZIP3}); the Medicare locality a line was priced in is dropped
 *   too (many localities are a county or a city);
 * - (C) all elements of dates except the year: dates of service, injury, receipt, storage and
 *   birth become years; ages over 89 become "90+" and the birth year is then omitted;
 * - (D)–(R) numbers: SSN, member id, claim number, control number, bill id, NPIs, tax ids, prior
 *   authorisation and document numbers are dropped. The control number is replaced by a pseudonym
 *   the caller supplies, which must not be derived from it (§ 164.514(c)(1)).
 *
 * Providers are not the individual, but a sole practitioner's NPI or tax id with a year of service
 * narrows the patients down to that practice's, so both are dropped and only the provider's ZIP3
 * is kept (under the same population rule).
 */
import { SAFE_HARBOR_RESTRICTED_ZIP3 } from '../../domain/safe-harbor.js';
import { BUCKETS, type Bucket } from '../../engine/priced-bill.js';

export { SAFE_HARBOR_RESTRICTED_ZIP3 };

/** What `schema` says in every record: the version of this record shape. */
export const DEIDENTIFIED_RECORD_SCHEMA = 'wcbr.recon.deidentified/1';

/** The age category § 164.514(b)(2)(i)(C) aggregates every age over 89 into. */
export const AGE_90_OR_OLDER = '90+';

/** The oldest age Safe Harbor lets a record state (ages over 89 are aggregated). */
const MAX_STATED_AGE = 89;

/** Options of {@link deidentifySequence}. */
export interface DeidentifyOptions {
  /**
   * Stands in for the control number. It must not be derived from the control number or any other
   * identifier (§ 164.514(c)(1)): a random id per export run (crypto.randomUUID) is what the export
   * uses.
   */
  readonly pseudonym: string;
  /** The sequence as stored (authoritative: the encryption context binds it); default the bill's. */
  readonly sequence?: number | undefined;
  /** Whether this is the control number's latest sequence (the one that counts for payment). */
  readonly latest?: boolean | undefined;
  /**
   * The year the record is released. A birth year that puts the patient over 89 in that year is
   * omitted too, not only one over 89 at the date of service. Default: the latest year in the record.
   */
  readonly referenceYear?: number | undefined;
  /** @default SAFE_HARBOR_RESTRICTED_ZIP3 */
  readonly restrictedZip3?: ReadonlySet<string> | undefined;
}

/** A pseudonym that would re-identify: empty, or holding the control number or the bill id. */
export class DeidentificationError extends Error {
  override readonly name = 'DeidentificationError';
}

/** A bucket → amount map (every bucket, in BUCKETS order). */
export type DeidentifiedBuckets = Readonly<Record<Bucket, string | null>>;

/** A prior/current pair with the change, as the delta has it. */
export interface DeidentifiedAmountChange {
  readonly prior: string | null;
  readonly current: string | null;
  readonly change: string | null;
}

/** One adjustment of a line: the codes and the amount, without the message or the source text. */
export interface DeidentifiedAdjustment {
  readonly bucket: Bucket | null;
  readonly amount: string | null;
  readonly internalCode: string | null;
  readonly groupCode: 'CO' | 'PR' | 'OA' | 'PI' | null;
  readonly carc: string | null;
  readonly rarc: string | null;
  readonly stateCode: string | null;
}

/** One priced line, dates reduced to the year. */
export interface DeidentifiedLine {
  readonly lineNumber: number | null;
  readonly code: string | null;
  readonly modifiers: readonly string[];
  readonly serviceYear: number | null;
  readonly units: number | null;
  readonly placeOfService: string | null;
  readonly status: 'priced' | 'denied' | 'unpriced' | null;
  readonly billed: string | null;
  readonly allowed: string | null;
  readonly withheld: string | null;
  readonly buckets: DeidentifiedBuckets | null;
  /** The fee schedule amount without the locality that priced it (a locality can be one county). */
  readonly feeSchedule: {
    readonly method: string | null;
    readonly unitAmount: string | null;
    readonly amount: string | null;
    readonly edition: string | null;
    readonly setting: 'facility' | 'non-facility' | null;
  } | null;
  /** Why the line has no amount (the code only). */
  readonly unpricedReason: string | null;
  readonly adjustments: readonly DeidentifiedAdjustment[];
  readonly rules: readonly { readonly rule: string | null; readonly decision: string | null }[];
}

/** The priced bill's totals. */
export interface DeidentifiedTotals {
  readonly billed: string | null;
  readonly allowed: string | null;
  readonly withheld: string | null;
  readonly withheldByBucket: Readonly<Partial<Record<Bucket, string>>>;
  readonly buckets: DeidentifiedBuckets | null;
  readonly unpricedBilled: string | null;
  readonly lines: number | null;
  readonly pricedLines: number | null;
  readonly deniedLines: number | null;
  readonly unpricedLines: number | null;
}

/** One line of the delta against the prior sequence. */
export interface DeidentifiedDeltaLine {
  readonly match: 'line-number' | 'code-date-modifiers' | 'added' | 'removed' | null;
  readonly lineNumber: number | null;
  readonly priorLineNumber: number | null;
  readonly code: string | null;
  readonly serviceYear: number | null;
  readonly modifiers: readonly string[];
  readonly status: { readonly prior: string | null; readonly current: string | null };
  readonly billed: DeidentifiedAmountChange | null;
  readonly allowed: DeidentifiedAmountChange | null;
  readonly buckets: DeidentifiedBuckets | null;
  readonly unpriced: boolean | null;
}

/** The delta of the sequence against the one it replaced. */
export interface DeidentifiedDelta {
  readonly againstSequence: number | null;
  readonly counts: {
    readonly matched: number | null;
    readonly changed: number | null;
    readonly added: number | null;
    readonly removed: number | null;
  };
  readonly totals: {
    readonly billed: DeidentifiedAmountChange | null;
    readonly allowed: DeidentifiedAmountChange | null;
    readonly buckets: DeidentifiedBuckets | null;
  };
  readonly total: string | null;
  readonly direction: 'additional-payment' | 'overpayment' | 'no-change' | null;
  readonly additionalAmountDue: string | null;
  readonly overpayment: string | null;
  readonly lines: readonly DeidentifiedDeltaLine[];
}

/** A ZIP reduced to three digits ("000" for a restricted prefix); null when none was sent. */
export interface DeidentifiedPlace {
  readonly zip3: string | null;
}

/** One de-identified Recon sequence (one JSON line of the export). */
export interface DeidentifiedRecord {
  readonly schema: typeof DEIDENTIFIED_RECORD_SCHEMA;
  /** The pseudonym that replaces the control number (the same for every sequence of one bill in one export). */
  readonly controlNumber: string;
  readonly sequence: number | null;
  /** Null when the caller did not say. */
  readonly latest: boolean | null;
  readonly storedYear: number | null;
  readonly missingSequences: readonly number[];
  readonly jurisdiction: string | null;
  readonly billType: 'professional' | null;
  readonly billFormat: 'bill' | '837p';
  readonly patient: {
    /** Years between birth and the first date of service (year arithmetic); "90+" over 89. */
    readonly age: number | typeof AGE_90_OR_OLDER | null;
    /** Omitted (null) when the age is "90+". */
    readonly birthYear: number | null;
    readonly zip3: string | null;
    /** A state is not a subdivision smaller than a state: Safe Harbor keeps it. */
    readonly state: string | null;
  };
  readonly claim: { readonly injuryYear: number | null };
  /** The ZIP that placed the bill for pricing, and whose it was. */
  readonly location: {
    readonly zip3: string | null;
    readonly source: 'serviceFacility' | 'billingProvider' | null;
  } | null;
  readonly providers: {
    readonly billingProvider: DeidentifiedPlace | null;
    readonly renderingProvider: DeidentifiedPlace | null;
    readonly serviceFacility: DeidentifiedPlace | null;
  };
  readonly serviceYears: { readonly first: number | null; readonly last: number | null };
  readonly receivedYear: number | null;
  readonly lines: readonly DeidentifiedLine[];
  readonly totals: DeidentifiedTotals | null;
  readonly delta: DeidentifiedDelta | null;
}

// ---- readers: each returns a value of the one format its field may have, or null ----

type Json = Record<string, unknown>;

const PATTERN = {
  code: /^[A-Z0-9]{5}$/,
  modifier: /^[A-Z0-9]{2}$/,
  placeOfService: /^\d{2}$/,
  money: /^-?\d{1,12}\.\d{2}$/,
  internalCode: /^[A-Z0-9][A-Z0-9-]{0,29}$/,
  carc: /^[A-Z]?\d{1,3}$/,
  rarc: /^[A-Z]{1,2}\d{1,4}$/,
  stateCode: /^[A-Z0-9]{1,10}$/,
  rule: /^[a-z][a-z-]{0,39}$/,
  jurisdiction: /^[A-Z][A-Z0-9-]{1,19}$/,
  edition: /^[a-z0-9][a-z0-9./-]{0,39}$/,
  state: /^[A-Z]{2}$/,
  zip: /^(\d{3})\d{2}(-?\d{4})?$/,
  unpricedCode: /^[A-Z][A-Z-]{0,29}$/,
  /** YYYY-MM-DD, an ISO timestamp, or the 837P's YYYYMMDD: only the year is read. */
  date: /^(\d{4})(?:-\d{2}-\d{2}(?:T[\d:.]+Z?)?|\d{4})$/,
} as const;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown, pattern: RegExp): string | null {
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function whole(value: unknown, min: number, max: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function money(value: unknown): string | null {
  return text(value, PATTERN.money);
}

/** The year of a date (§ 164.514(b)(2)(i)(C): the year is the one element a date may keep). */
function yearOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = PATTERN.date.exec(value);
  const year = match ? Number(match[1]) : Number.NaN;
  return year >= 1800 && year <= 2200 ? year : null;
}

/** § 164.514(b)(2)(i)(B): the initial three digits, or "000" where the population is 20,000 or fewer. */
function zip3Of(value: unknown, restricted: ReadonlySet<string>): string | null {
  if (typeof value !== 'string') return null;
  const match = PATTERN.zip.exec(value);
  if (!match) return null;
  const prefix = match[1] as string;
  return restricted.has(prefix) ? '000' : prefix;
}

function modifiersOf(value: unknown): string[] {
  return list(value)
    .map((m) => text(m, PATTERN.modifier))
    .filter((m): m is string => m !== null);
}

function bucketsOf(value: unknown): DeidentifiedBuckets | null {
  const source = record(value);
  if (!source) return null;
  const out = {} as Record<Bucket, string | null>;
  for (const bucket of BUCKETS) out[bucket] = money(source[bucket]);
  return out;
}

function partialBucketsOf(value: unknown): Partial<Record<Bucket, string>> {
  const source = record(value) ?? {};
  const out: Partial<Record<Bucket, string>> = {};
  for (const bucket of BUCKETS) {
    const amount = money(source[bucket]);
    if (amount !== null) out[bucket] = amount;
  }
  return out;
}

function changeOf(value: unknown): DeidentifiedAmountChange | null {
  const source = record(value);
  if (!source) return null;
  return { prior: money(source.prior), current: money(source.current), change: money(source.change) };
}

const LINE_STATUSES = ['priced', 'denied', 'unpriced'] as const;
const RULE_DECISIONS = ['no-change', 'reduced', 'denied', 'flagged', 'not-adopted'] as const;
const GROUP_CODES = ['CO', 'PR', 'OA', 'PI'] as const;
const DIRECTIONS = ['additional-payment', 'overpayment', 'no-change'] as const;
const MATCHES = ['line-number', 'code-date-modifiers', 'added', 'removed'] as const;
const ZIP_SOURCES = ['serviceFacility', 'billingProvider'] as const;
const METHODS = ['rbrvs', 'state-table', 'clfs', 'dmepos', 'nadac', 'anesthesia'] as const;
const SETTINGS = ['facility', 'non-facility'] as const;
const MAX_LINE_NUMBER = 9999;
const MAX_SEQUENCE = 9_999_999_999;

function adjustmentOf(value: unknown): DeidentifiedAdjustment {
  const a = record(value) ?? {};
  // The message and an external value's `source` are free text: they are not read.
  return {
    bucket: oneOf(a.bucket, BUCKETS),
    amount: money(a.amount),
    internalCode: text(a.internalCode, PATTERN.internalCode),
    groupCode: oneOf(a.groupCode, GROUP_CODES),
    carc: text(a.carc, PATTERN.carc),
    rarc: text(a.rarc, PATTERN.rarc),
    stateCode: text(a.stateCode, PATTERN.stateCode),
  };
}

function lineOf(value: unknown): DeidentifiedLine {
  const line = record(value) ?? {};
  const fee = record(line.feeSchedule);
  return {
    lineNumber: whole(line.lineNumber, 1, MAX_LINE_NUMBER),
    code: text(line.code, PATTERN.code),
    modifiers: modifiersOf(line.modifiers),
    serviceYear: yearOf(line.dateOfService),
    units: whole(line.units, 1, 99_999),
    placeOfService: text(line.placeOfService, PATTERN.placeOfService),
    status: oneOf(line.status, LINE_STATUSES),
    billed: money(line.billed),
    allowed: money(line.allowed),
    withheld: money(line.withheld),
    buckets: bucketsOf(line.buckets),
    feeSchedule: fee
      ? {
          method: oneOf(fee.method, METHODS),
          unitAmount: money(fee.unitAmount),
          amount: money(fee.amount),
          edition: text(fee.edition, PATTERN.edition),
          setting: oneOf(fee.setting, SETTINGS),
        }
      : null,
    unpricedReason: text(record(line.unpriced)?.code, PATTERN.unpricedCode),
    adjustments: list(line.adjustments).map(adjustmentOf),
    rules: list(line.rules).map((r) => {
      const rule = record(r) ?? {};
      return { rule: text(rule.rule, PATTERN.rule), decision: oneOf(rule.decision, RULE_DECISIONS) };
    }),
  };
}

function totalsOf(value: unknown): DeidentifiedTotals | null {
  const t = record(value);
  if (!t) return null;
  return {
    billed: money(t.billed),
    allowed: money(t.allowed),
    withheld: money(t.withheld),
    withheldByBucket: partialBucketsOf(t.withheldByBucket),
    buckets: bucketsOf(t.buckets),
    unpricedBilled: money(t.unpricedBilled),
    lines: whole(t.lines, 0, 999),
    pricedLines: whole(t.pricedLines, 0, 999),
    deniedLines: whole(t.deniedLines, 0, 999),
    unpricedLines: whole(t.unpricedLines, 0, 999),
  };
}

function deltaLineOf(value: unknown): DeidentifiedDeltaLine {
  const line = record(value) ?? {};
  const status = record(line.status) ?? {};
  return {
    match: oneOf(line.match, MATCHES),
    lineNumber: whole(line.lineNumber, 1, MAX_LINE_NUMBER),
    priorLineNumber: whole(line.priorLineNumber, 1, MAX_LINE_NUMBER),
    code: text(line.code, PATTERN.code),
    serviceYear: yearOf(line.dateOfService),
    modifiers: modifiersOf(line.modifiers),
    status: { prior: oneOf(status.prior, LINE_STATUSES), current: oneOf(status.current, LINE_STATUSES) },
    billed: changeOf(line.billed),
    allowed: changeOf(line.allowed),
    buckets: bucketsOf(line.buckets),
    unpriced: flag(line.unpriced),
  };
}

function deltaOf(value: unknown): DeidentifiedDelta | null {
  const d = record(value);
  if (!d) return null;
  const counts = record(d.counts) ?? {};
  const totals = record(d.totals) ?? {};
  return {
    againstSequence: whole(d.againstSequence, 1, MAX_SEQUENCE),
    counts: {
      matched: whole(counts.matched, 0, 999),
      changed: whole(counts.changed, 0, 999),
      added: whole(counts.added, 0, 999),
      removed: whole(counts.removed, 0, 999),
    },
    totals: {
      billed: changeOf(totals.billed),
      allowed: changeOf(totals.allowed),
      buckets: bucketsOf(totals.buckets),
    },
    total: money(d.total),
    direction: oneOf(d.direction, DIRECTIONS),
    additionalAmountDue: money(d.additionalAmountDue),
    overpayment: money(d.overpayment),
    lines: list(d.lines).map(deltaLineOf),
  };
}

/**
 * The patient as the bill names them: the API's `patient`, else the 837P's `dependent` (the
 * patient when not the subscriber), else its `subscriber`. Only the birth date, the ZIP and the
 * state are read from it.
 */
function patientOf(bill: Json): { birth: unknown; zip: unknown; state: unknown } {
  const patient = record(bill.patient) ?? record(bill.dependent) ?? record(bill.subscriber) ?? {};
  const address = record(patient.address) ?? {};
  return {
    birth: patient.birthDate ?? patient.dateOfBirth,
    zip: address.zip ?? address.postalCode,
    state: address.state,
  };
}

function placeOf(value: unknown, restricted: ReadonlySet<string>): DeidentifiedPlace | null {
  const party = record(value);
  return party ? { zip3: zip3Of(party.zip, restricted) } : null;
}

/**
 * Shortest identifier whose presence inside a pseudonym is taken as derivation. A random UUID
 * holds a given hex string of k characters by chance with probability at most 36 × 16^-k: for
 * "7" that is near certain (three UUIDs in four hold a 7), so a substring test on a short control
 * number or bill id refused honest random pseudonyms and aborted the whole export; at 8 characters
 * it is under 1 in 100 million. Shorter identifiers are refused only as the whole pseudonym.
 */
export const MIN_CONTAINED_IDENTIFIER_LENGTH = 8;

/**
 * Whether a pseudonym looks derived from an identifier (§ 164.514(c)(1)): it is the identifier
 * (in any case), or holds an identifier long enough ({@link MIN_CONTAINED_IDENTIFIER_LENGTH}) that
 * it cannot be there by chance.
 *
 * @param pseudonym - the pseudonym of a control number
 * @param identifier - the control number or a bill id, as stored (anything: read defensively)
 * @returns true when the pseudonym must be refused
 */
export function pseudonymDerivedFrom(pseudonym: string, identifier: unknown): boolean {
  if (typeof identifier !== 'string' || identifier.trim() === '') return false;
  const p = pseudonym.trim().toLowerCase();
  const id = identifier.trim().toLowerCase();
  return p === id || (id.length >= MIN_CONTAINED_IDENTIFIER_LENGTH && p.includes(id));
}

/**
 * Applies HIPAA Safe Harbor (45 CFR § 164.514(b)(2)) to one decrypted Recon sequence.
 *
 * @param content - what a stored sequence seals: `{bill, priced, delta, storedAt, missingSequences}`
 *   (read defensively: any other shape gives nulls, never an error and never a copied value)
 * @param options - the pseudonym for the control number, and optionally the stored sequence, the
 *   latest flag, the year of release and another restricted ZIP3 set
 * @returns the de-identified record, built from named fields only
 * @throws DeidentificationError when the pseudonym is empty, or is derived from the control number
 *   or a bill id ({@link pseudonymDerivedFrom})
 * @example
 * ```ts
 * const record = deidentifySequence(await envelope.openJson(keys, context, item.sealed), {
 *   pseudonym: randomUUID(),
 *   sequence: item.sequence,
 * });
 * // record.patient → { age: 63, birthYear: 1961, zip3: '199', state: 'DE' }
 * ```
 */
export function deidentifySequence(content: unknown, options: DeidentifyOptions): DeidentifiedRecord {
  const sealed = record(content) ?? {};
  const bill = record(sealed.bill) ?? {};
  const priced = record(sealed.priced) ?? {};
  const restricted = options.restrictedZip3 ?? SAFE_HARBOR_RESTRICTED_ZIP3;

  const pseudonym = options.pseudonym;
  if (typeof pseudonym !== 'string' || pseudonym.trim() === '') {
    throw new DeidentificationError('a de-identified record needs a pseudonym for its control number');
  }
  const claimInfo = record(bill.claimInformation);
  if (
    pseudonymDerivedFrom(pseudonym, bill.controlNumber) ||
    pseudonymDerivedFrom(pseudonym, bill.billId) ||
    pseudonymDerivedFrom(pseudonym, priced.billId)
  ) {
    // § 164.514(c)(1): a re-identification code must not be derived from information about the individual.
    throw new DeidentificationError('the pseudonym must not be derived from the control number or bill id');
  }

  const lines = list(priced.lines).map(lineOf);
  const delta = deltaOf(sealed.delta);
  const dates = record(priced.dates) ?? {};
  const firstService =
    yearOf(dates.firstService) ??
    lines.reduce<number | null>(
      (min, line) =>
        line.serviceYear !== null && (min === null || line.serviceYear < min) ? line.serviceYear : min,
      null,
    );
  const lastService = yearOf(dates.lastService);
  const receivedYear = yearOf(dates.received);
  const storedYear = yearOf(sealed.storedAt);
  const claim = record(bill.claim) ?? {};
  const injuryYear = yearOf(claim.injuryDate);

  const patient = patientOf(bill);
  const birthYear = yearOf(patient.birth);
  // Year arithmetic on purpose: an age to the day beside the birth year would tell whether the
  // birthday fell before the first date of service, which is an element of the birth date.
  const statedAge = birthYear !== null && firstService !== null ? firstService - birthYear : null;
  // § 164.514(b)(2)(i)(C): ages over 89 and "all elements of dates (including year) indicative of
  // such age" are aggregated; any later year in the record, or the year of release, counts.
  const years = [
    firstService,
    lastService,
    receivedYear,
    storedYear,
    injuryYear,
    options.referenceYear ?? null,
    ...lines.map((line) => line.serviceYear),
    ...(delta?.lines ?? []).map((line) => line.serviceYear),
  ].filter((year): year is number => year !== null);
  const latestYear = years.length > 0 ? Math.max(...years) : null;
  const over89 =
    birthYear !== null &&
    ((statedAge !== null && statedAge > MAX_STATED_AGE) ||
      (latestYear !== null && latestYear - birthYear > MAX_STATED_AGE));
  const age = over89 ? AGE_90_OR_OLDER : statedAge !== null && statedAge >= 0 ? statedAge : null;

  const location = record(priced.location);
  const parties = record(priced.parties) ?? {};
  const jurisdiction = record(priced.jurisdiction);
  const missing = list(sealed.missingSequences)
    .map((n) => whole(n, 1, MAX_SEQUENCE))
    .filter((n): n is number => n !== null);

  return {
    schema: DEIDENTIFIED_RECORD_SCHEMA,
    controlNumber: pseudonym,
    sequence: whole(options.sequence ?? bill.sequence, 1, MAX_SEQUENCE),
    latest: flag(options.latest),
    storedYear,
    missingSequences: missing,
    jurisdiction: text(jurisdiction?.id, PATTERN.jurisdiction),
    billType: oneOf(priced.billType, ['professional'] as const),
    billFormat: claimInfo ? '837p' : 'bill',
    patient: {
      age,
      birthYear: over89 ? null : birthYear,
      zip3: zip3Of(patient.zip, restricted),
      state: text(patient.state, PATTERN.state),
    },
    claim: { injuryYear },
    location: location
      ? { zip3: zip3Of(location.zip, restricted), source: oneOf(location.source, ZIP_SOURCES) }
      : null,
    providers: {
      billingProvider: placeOf(parties.billingProvider, restricted),
      renderingProvider: placeOf(parties.renderingProvider, restricted),
      serviceFacility: placeOf(parties.serviceFacility, restricted),
    },
    serviceYears: { first: firstService, last: lastService ?? firstService },
    receivedYear,
    lines,
    totals: totalsOf(priced.totals),
    delta,
  };
}
