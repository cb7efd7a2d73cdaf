import * as v from 'valibot';
import { dayNumber } from '../../fee-index/header.js';
import { BillValidationError, type FieldError } from '../errors.js';
import { type BillValue, checkExternalValues, type ExternalValue } from '../external-values.js';
import { type Cents, parseCents } from '../money.js';
import type { PayerContact } from './bill-reference.js';
import { fastParseBill } from './fast-bill.js';
import {
  type BillInput,
  BillSchema,
  fieldErrorsOf,
  type PriorVisits,
  ProfessionalClaimSchema,
  type ReviewLists,
} from './schema.js';

/** Where the ZIP that places the bill came from. */
export type ZipSource = 'serviceFacility' | 'billingProvider';

export interface NormalisedLine {
  /** Position in the request (0-based), for error paths and stable ordering. */
  readonly index: number;
  readonly lineNumber: number;
  /** JSON path of the line in the request, e.g. "lines[2]". */
  readonly path: string;
  /** Where the line number came from when not `${path}.lineNumber` (837P: assignedNumber). */
  readonly lineNumberField: string | undefined;
  readonly code: string;
  /** JSON path of the code in the request, for errors about it. */
  readonly codeField: string;
  /** As billed, upper-cased. */
  readonly modifiers: readonly string[];
  readonly dateOfService: string;
  readonly day: number;
  readonly units: number;
  /** Billed charge in whole cents. */
  readonly charge: Cents;
  readonly placeOfService: string;
  /** Rendering provider NPI, else the billing provider's, else '' (one provider). */
  readonly provider: string;
  /** Anesthesia time in minutes. */
  readonly anesthesiaMinutes: number | undefined;
  /** A drug line: NDC and quantity in the NDC's pricing unit. */
  readonly drug: { readonly ndc: string; readonly quantity: string } | undefined;
  /** Prior authorisation number sent with the line. */
  readonly priorAuthorization: string | undefined;
  /** Identifiers of the documents attached to the line (empty: none). */
  readonly documentation: readonly string[];
  /** The line's own external values (bill-level ones are in the bill). */
  readonly externalValues: readonly ExternalValue[];
}

export interface NormalisedBill {
  readonly billId?: string;
  /** The bill's own reference, declared non-PHI (bill-reference.ts): shown on the SmartBill page. */
  readonly billReference?: string;
  readonly jurisdiction: string;
  readonly billType: 'professional';
  readonly format: 'bill' | '837p';
  /** The ZIP (five digits) that places the services, and where it came from. */
  readonly zip?: { readonly zip: string; readonly source: ZipSource; readonly field: string };
  readonly lines: readonly NormalisedLine[];
  /** Visits already paid for the injury, by category (frequency limits). */
  readonly priorVisits: PriorVisits;
  /** The customer's own prior authorisation and documentation lists. */
  readonly review: ReviewLists;
  /** Bill-level external values with the lines they are for. */
  readonly externalValues: readonly BillValue[];
  /** Who pays and who billed, as sent (no patient data), for the explanation of review. */
  readonly parties: Parties;
  readonly receivedDate?: string;
}

/** The parties of a bill the priced bill repeats: identifiers of organisations, never of patients. */
export interface Parties {
  readonly payer?: { readonly name?: string; readonly id?: string; readonly contact?: PayerContact };
  readonly billingProvider?: Party;
  readonly renderingProvider?: Party;
  readonly serviceFacility?: Party;
}

export interface Party {
  readonly npi?: string;
  readonly taxId?: string;
  readonly name?: string;
  readonly zip?: string;
}

function optionalParty<K extends keyof Parties>(key: K, party: Party | undefined): Partial<Record<K, Party>> {
  return party === undefined ? {} : ({ [key]: party } as Partial<Record<K, Party>>);
}

/** The fields of a party we repeat (a loose object may carry anything else). */
function partyOf(
  p: { npi?: string; taxId?: string; name?: string; zip?: string } | undefined,
): Party | undefined {
  if (!p) return undefined;
  // Assigned in order rather than spread: a spread takes V8's slow path, and every bill has parties.
  const out: { -readonly [K in keyof Party]: Party[K] } = {};
  if (p.npi !== undefined) out.npi = p.npi;
  if (p.taxId !== undefined) out.taxId = p.taxId;
  if (p.name !== undefined) out.name = p.name;
  if (p.zip !== undefined) out.zip = p.zip;
  return out;
}

/** Place of service when a bill gives none: 11, office (CMS place of service code set). */
const DEFAULT_PLACE_OF_SERVICE = '11';

function zip5(zip: string | undefined): string | undefined {
  return zip === undefined ? undefined : zip.slice(0, 5);
}

function checkDate(date: string, path: string, name: string, errors: FieldError[]): number {
  const day = dayNumber(date);
  if (Number.isNaN(day))
    errors.push({ field: `${path}.${name}`, errorMessage: `${date} is not a real calendar date` });
  return day;
}

/** The bill through the schema itself: field errors for what it refuses. */
function schemaBill(input: unknown): BillInput {
  const parsed = v.safeParse(BillSchema, input);
  if (!parsed.success)
    throw new BillValidationError('The bill has fields we cannot accept.', fieldErrorsOf(parsed.issues));
  return parsed.output;
}

function fromBill(input: unknown, fast: boolean): NormalisedBill {
  // The fast path takes well-formed bills; anything else goes to the schema, which names the errors.
  const bill = (fast ? fastParseBill(input) : undefined) ?? schemaBill(input);
  const errors: FieldError[] = [];
  const billPos = bill.placeOfService ?? DEFAULT_PLACE_OF_SERVICE;
  const billingNpi = bill.billingProvider?.npi ?? '';
  const renderingNpi = bill.renderingProvider?.npi ?? billingNpi;
  const defaults = defaultLineNumbers(bill.lines.map((l) => l.lineNumber));
  const lines = bill.lines.map((line, index): NormalisedLine => {
    const path = `lines[${index}]`;
    return {
      index,
      lineNumber: line.lineNumber ?? (defaults.get(index) as number),
      lineNumberField: undefined,
      path,
      code: line.code,
      codeField: `${path}.code`,
      modifiers: line.modifiers ?? [],
      dateOfService: line.dateOfService,
      day: checkDate(line.dateOfService, path, 'dateOfService', errors),
      units: line.units ?? 1,
      charge: parseCents(line.charge),
      placeOfService: line.placeOfService ?? billPos,
      provider: line.renderingProviderNpi ?? renderingNpi,
      // Every line has every field, set or not: one object shape for the stages that read them.
      drug: line.drug,
      anesthesiaMinutes: line.anesthesiaMinutes,
      priorAuthorization: line.priorAuthorization,
      documentation: line.documentation ?? [],
      externalValues: NO_VALUES,
    };
  });
  checkLineNumbers(lines, errors);
  let withValues = lines;
  let billValues: BillValue[] = [];
  if (bill.externalValues !== undefined || bill.lines.some((l) => l.externalValues !== undefined)) {
    const checked = checkExternalValues(
      bill.externalValues,
      lines.map((l, i) => ({
        lineNumber: l.lineNumber,
        path: l.path,
        values: bill.lines[i]?.externalValues,
      })),
      errors,
    );
    billValues = checked.bill;
    withValues = lines.map((l, i) => ({ ...l, externalValues: checked.perLine[i] ?? NO_VALUES }));
  }
  if (errors.length > 0) throw new BillValidationError('The bill has fields we cannot accept.', errors);
  const facilityZip = zip5(bill.serviceFacility?.zip);
  const billingZip = zip5(bill.billingProvider?.zip);
  // Fields assigned in order rather than spread (a spread takes V8's slow path on every bill); the
  // parties keep their order, which the answer repeats.
  const parties: Mutable<Parties> = {};
  if (bill.payer !== undefined) {
    const payer: Mutable<NonNullable<Parties['payer']>> = {};
    if (bill.payer.name !== undefined) payer.name = bill.payer.name;
    if (bill.payer.id !== undefined) payer.id = bill.payer.id;
    if (bill.payer.contact !== undefined) payer.contact = bill.payer.contact;
    parties.payer = payer;
  }
  const billingProvider = partyOf(bill.billingProvider);
  if (billingProvider !== undefined) parties.billingProvider = billingProvider;
  const renderingProvider = partyOf(bill.renderingProvider);
  if (renderingProvider !== undefined) parties.renderingProvider = renderingProvider;
  const serviceFacility = partyOf(bill.serviceFacility);
  if (serviceFacility !== undefined) parties.serviceFacility = serviceFacility;
  const out = {} as Mutable<NormalisedBill>;
  if (bill.billId !== undefined) out.billId = bill.billId;
  if (bill.billReference !== undefined) out.billReference = bill.billReference;
  out.jurisdiction = bill.jurisdiction;
  out.billType = 'professional';
  out.format = 'bill';
  if (facilityZip !== undefined)
    out.zip = { zip: facilityZip, source: 'serviceFacility', field: 'serviceFacility.zip' };
  else if (billingZip !== undefined)
    out.zip = { zip: billingZip, source: 'billingProvider', field: 'billingProvider.zip' };
  out.lines = withValues;
  out.priorVisits = bill.priorVisits ?? {};
  out.review = bill.review ?? {};
  out.externalValues = billValues;
  out.parties = parties;
  if (bill.receivedDate !== undefined) out.receivedDate = bill.receivedDate;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fromClaim(input: unknown): NormalisedBill {
  const parsed = v.safeParse(ProfessionalClaimSchema, input);
  if (!parsed.success)
    throw new BillValidationError('The claim has fields we cannot accept.', fieldErrorsOf(parsed.issues));
  const claim = parsed.output;
  const errors: FieldError[] = [];
  const info = claim.claimInformation;
  const providers = claim.providers ?? [];
  const billingIndex = providers.findIndex((p) => p.providerType === 'BillingProvider');
  const billing = billingIndex >= 0 ? providers[billingIndex] : undefined;
  const rendering = providers.find((p) => p.providerType === 'RenderingProvider');
  const claimPos = info.placeOfServiceCode ?? DEFAULT_PLACE_OF_SERVICE;
  const defaults = defaultLineNumbers(
    info.serviceLines.map((l) => (l.assignedNumber === undefined ? undefined : Number(l.assignedNumber))),
  );
  const lines = info.serviceLines.map((line, index): NormalisedLine => {
    const path = `claimInformation.serviceLines[${index}]`;
    const d = line.serviceDate;
    const date = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    const service = line.professionalService;
    return {
      index,
      lineNumber:
        line.assignedNumber === undefined ? (defaults.get(index) as number) : Number(line.assignedNumber),
      lineNumberField: `${path}.assignedNumber`,
      path,
      code: service.procedureCode,
      codeField: `${path}.professionalService.procedureCode`,
      modifiers: service.procedureModifiers ?? [],
      dateOfService: date,
      day: checkDate(date, path, 'serviceDate', errors),
      // 837P unit of measure MJ is minutes (anesthesia time); UN is units.
      units:
        service.serviceUnitCount === undefined || service.measurementUnit === 'MJ'
          ? 1
          : Number(service.serviceUnitCount),
      charge: parseCents(service.lineItemChargeAmount),
      placeOfService: service.placeOfServiceCode ?? claimPos,
      provider: line.renderingProvider?.npi ?? rendering?.npi ?? billing?.npi ?? '',
      drug: undefined,
      anesthesiaMinutes:
        service.measurementUnit === 'MJ' && service.serviceUnitCount !== undefined
          ? Number(service.serviceUnitCount)
          : undefined,
      priorAuthorization: undefined,
      documentation: [],
      externalValues: NO_VALUES,
    };
  });
  checkLineNumbers(lines, errors);
  if (errors.length > 0) throw new BillValidationError('The claim has fields we cannot accept.', errors);
  const facilityZip = zip5(info.serviceFacilityLocation?.address?.postalCode);
  const billingZip = zip5(billing?.address?.postalCode);
  return {
    ...(claim.controlNumber === undefined ? {} : { billId: claim.controlNumber }),
    ...(claim.billReference === undefined ? {} : { billReference: claim.billReference }),
    jurisdiction: claim.jurisdiction,
    billType: 'professional',
    format: '837p',
    ...(facilityZip !== undefined
      ? {
          zip: {
            zip: facilityZip,
            source: 'serviceFacility' as const,
            field: 'claimInformation.serviceFacilityLocation.address.postalCode',
          },
        }
      : billingZip !== undefined
        ? {
            zip: {
              zip: billingZip,
              source: 'billingProvider' as const,
              field: `providers[${billingIndex}].address.postalCode`,
            },
          }
        : {}),
    lines,
    priorVisits: {},
    review: {},
    externalValues: [],
    parties: {
      ...optionalParty('billingProvider', billing?.npi === undefined ? undefined : { npi: billing.npi }),
      ...optionalParty(
        'renderingProvider',
        rendering?.npi === undefined ? undefined : { npi: rendering.npi },
      ),
    },
  };
}

const NO_DEFAULTS: ReadonlyMap<number, number> = new Map();
const NO_VALUES: readonly ExternalValue[] = Object.freeze([]);

/**
 * Line numbers for lines sent without one: their position, or the next number no line uses.
 *
 * @param given - each line's number as sent, undefined when none
 * @returns the number to use for each line without one, by index
 */
function defaultLineNumbers(given: readonly (number | undefined)[]): ReadonlyMap<number, number> {
  if (!given.includes(undefined)) return NO_DEFAULTS;
  const used = new Set(given.filter((n): n is number => n !== undefined));
  const out = new Map<number, number>();
  let next = 1;
  given.forEach((n, index) => {
    if (n !== undefined) return;
    let candidate = index + 1;
    if (used.has(candidate)) {
      while (used.has(next)) next++;
      candidate = next;
    }
    used.add(candidate);
    out.set(index, candidate);
  });
  return out;
}

function checkLineNumbers(lines: readonly NormalisedLine[], errors: FieldError[]): void {
  const seen = new Map<number, string>();
  for (const line of lines) {
    const first = seen.get(line.lineNumber);
    if (first !== undefined) {
      errors.push({
        field: `${line.path}.lineNumber`,
        errorMessage: `line number ${line.lineNumber} is also used by ${first}`,
      });
    } else {
      seen.set(line.lineNumber, line.path);
    }
  }
}

/**
 * Normalise stage: checks a request body's shape and formats and returns the bill the engine
 * prices. Accepts this API's bill JSON and the 837P-style claim JSON (recognised by
 * `claimInformation`).
 *
 * @param input - the parsed JSON body
 * @returns the normalised bill
 * @throws BillValidationError with every field error found
 * @example normaliseBill({ jurisdiction: 'US-MEDICARE', lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }] })
 */
export function normaliseBill(input: unknown): NormalisedBill {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BillValidationError('The body must be a JSON object.', [
      { field: '(body)', errorMessage: 'must be a JSON object' },
    ]);
  }
  return 'claimInformation' in input ? fromClaim(input) : fromBill(input, true);
}

/**
 * {@link normaliseBill} through the Valibot schema only, never the fast path: the reference the
 * fast path is tested against.
 */
export function normaliseBillBySchema(input: unknown): NormalisedBill {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || 'claimInformation' in input) {
    return normaliseBill(input);
  }
  return fromBill(input, false);
}
