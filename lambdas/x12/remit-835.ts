import { formatCents, parseSignedCents, cents as toCents } from '../engine/money.js';
import type { PricedBill, PricedLine } from '../engine/priced-bill.js';
import type { PaymentDetails, RemittanceClaim, RemittanceParties } from './remittance-claim.js';
import { type InterchangeParty, interchange, segment, type TransactionSet, x12Date } from './write.js';

/**
 * The 835 health care claim payment/advice (ASC X12 005010X221A1) for priced bills: one
 * transaction set per payee, one CLP per claim, one SVC per line, a CAS for every cent withheld.
 * Pure: the time, the request id and the control numbers come from the caller. The mapping, the
 * CAS grouping and the balancing are in docs/decisions/018-x12-remittance-out.md.
 *
 * Amounts are handled as integer cents read from the answer's two-decimal strings, so the file
 * balances to the cent by construction; the one thing construction cannot give (a line whose
 * adjustments do not add up to its billed charge less its payment) is checked, and refused.
 */

/** GS08: the 835 implementation guide (TR3) with its errata. */
export const REMITTANCE_VERSION = '005010X221A1';

/**
 * CARC 133 "The disposition of this service line is pending further review" (use only with group
 * code OA; X12 CARC list): an unpriced line is neither paid nor denied, it waits for a person.
 */
export const UNPRICED_GROUP = 'OA';
export const UNPRICED_CARC = '133';

/** CLP06 claim filing indicator when the claim did not say: WC, workers' compensation health claim. */
const WORKERS_COMPENSATION = 'WC';

/** CLP02 for every claim we answer (decision 018). */
const PROCESSED_AS_PRIMARY = '1';

/** At most six reason/amount(/quantity) triplets in one CAS segment (CAS02–CAS19). */
const CAS_TRIPLETS = 6;

/** What `write835` needs beyond the claims. */
export interface RemittanceOptions {
  /** The payment, or undefined for a review-only answer (BPR01 H, 0.00, NON). */
  readonly payment?: PaymentDetails;
  /** The request's id: generated traces (TRN02) and our own claim references (CLP07) derive from it. */
  readonly requestId: string;
  /** When the answer was written: ISA/GS dates, DTM*405 and a review-only BPR16. */
  readonly at: Date;
  readonly sender: InterchangeParty;
  readonly receiver: InterchangeParty;
  /** ISA13 (and GS06 unless `groupControlNumber` says otherwise). */
  readonly interchangeControlNumber: number;
  readonly groupControlNumber?: number;
  /** ISA15: answer a test interchange in kind. */
  readonly usage: 'P' | 'T';
}

/** One claim to remit: what the 837 (or the JSON bill) said, and who pays whom. */
export interface RemittanceInput {
  readonly remittance: RemittanceClaim;
  readonly parties: RemittanceParties;
}

/**
 * A priced line whose adjustments do not add up to its billed charge less what it is paid: an
 * 835 built from it could not balance, and we will not write one that hides the difference.
 * The message names the claim's position and the line number only (no PHI).
 */
export class RemittanceBalanceError extends Error {
  override readonly name = 'RemittanceBalanceError';
}

/** An amount of the answer ("123.45", "-10.00") in cents. */
const cents = (amount: string): number => parseSignedCents(amount);

/** Cents as the 835 writes them, two decimals ("123.45", "-10.00"), as the JSON answer does. */
const amount = (value: number): string => formatCents(toCents(value));

/** One CAS group: its CARCs in the order first met, amounts summed per CARC. */
interface CasGroup {
  readonly group: string;
  readonly carcs: string[];
  readonly amounts: Map<string, number>;
}

/** The adjustments of a line as the CAS segments carry them, and the line's RARCs. */
interface LineAdjustments {
  readonly groups: CasGroup[];
  readonly rarcs: string[];
  readonly total: number;
}

function lineAdjustments(line: PricedLine): LineAdjustments {
  const groups: CasGroup[] = [];
  const rarcs: string[] = [];
  let total = 0;
  const add = (group: string, carc: string, value: number) => {
    let g = groups.find((x) => x.group === group);
    if (g === undefined) {
      g = { group, carcs: [], amounts: new Map() };
      groups.push(g);
    }
    const before = g.amounts.get(carc);
    if (before === undefined) g.carcs.push(carc);
    g.amounts.set(carc, (before ?? 0) + value);
    total += value;
  };
  if (line.allowed === null) {
    add(UNPRICED_GROUP, UNPRICED_CARC, cents(line.billed));
  } else {
    for (const a of line.adjustments) {
      add(a.groupCode, a.carc, cents(a.amount));
      if (a.rarc !== undefined && !rarcs.includes(a.rarc)) rarcs.push(a.rarc);
    }
  }
  return { groups, rarcs, total };
}

/** CAS segments of one line: a segment per group (more when over six CARCs), zero sums left out. */
function casSegments(groups: readonly CasGroup[], out: string[]): void {
  for (const g of groups) {
    const triplets: string[] = [];
    for (const carc of g.carcs) {
      const value = g.amounts.get(carc) as number;
      if (value !== 0) triplets.push(carc, amount(value), '');
    }
    for (let i = 0; i < triplets.length; i += CAS_TRIPLETS * 3) {
      out.push(segment('CAS', g.group, ...triplets.slice(i, i + CAS_TRIPLETS * 3)));
    }
  }
}

/**
 * SVC01: HC:code:modifiers, or NU:revenue code for a facility line billed without a HCPCS code
 * (the engine answers such a line with its revenue code as its code: price-facility-bill.ts).
 */
function procedure(line: PricedLine): readonly string[] {
  const revenueCode = line.facility?.revenueCode ?? null;
  if (revenueCode !== null && (line.code === '' || line.code === revenueCode)) return ['NU', revenueCode];
  return ['HC', line.code, ...line.modifiers.slice(0, 4)];
}

/** What one claim comes to, in cents, and its segments (2100 and its 2110 loops). */
interface ClaimOut {
  readonly payment: number;
  readonly segments: string[];
}

function claimSegments(input: RemittanceClaim, position: number, requestId: string): ClaimOut {
  const priced: PricedBill = input.priced;
  const lines: string[] = [];
  let charge = 0;
  let payment = 0;
  let patientResponsibility = 0;
  for (const line of priced.lines) {
    const billed = cents(line.billed);
    const paid = line.allowed === null ? 0 : cents(line.allowed);
    const adjustments = lineAdjustments(line);
    if (billed - paid !== adjustments.total) {
      throw new RemittanceBalanceError(
        `claim ${position}, line ${line.lineNumber}: billed less allowed is ${amount(billed - paid)} but its adjustments sum to ${amount(adjustments.total)}`,
      );
    }
    charge += billed;
    payment += paid;
    for (const g of adjustments.groups)
      if (g.group === 'PR') for (const v of g.amounts.values()) patientResponsibility += v;
    const revenueCode = line.facility?.revenueCode ?? null;
    const svc01 = procedure(line);
    lines.push(
      segment(
        'SVC',
        svc01,
        amount(billed),
        amount(paid),
        svc01[0] === 'HC' && revenueCode !== null ? revenueCode : undefined,
        line.units === 1 ? undefined : String(line.units),
      ),
    );
    if (line.dateOfService !== '') lines.push(segment('DTM', '472', x12Date(line.dateOfService)));
    casSegments(adjustments.groups, lines);
    lines.push(segment('REF', '6R', String(line.lineNumber)));
    if (line.allowed !== null) lines.push(segment('AMT', 'B6', amount(paid)));
    for (const rarc of adjustments.rarcs) lines.push(segment('LQ', 'HE', rarc));
  }
  const facility = priced.facility;
  const segments = [
    segment(
      'CLP',
      input.patientControlNumber,
      // "1" processed as primary, even when nothing is paid or every line is denied: X12's RFI 1423
      // reads the TR3's note on code 4 as "only when the patient is not recognised" (decision 018).
      PROCESSED_AS_PRIMARY,
      amount(charge),
      amount(payment),
      patientResponsibility === 0 ? undefined : amount(patientResponsibility),
      input.claimFilingIndicator ?? WORKERS_COMPENSATION,
      input.claimNumber ?? `${requestId}-${position}`,
      input.facilityCode,
      input.frequencyCode,
    ),
  ];
  const patient = input.patient;
  segments.push(
    segment(
      'NM1',
      'QC',
      '1',
      patient?.lastName,
      patient?.firstName,
      patient?.middleName,
      undefined,
      undefined,
      patient?.memberId === undefined ? undefined : 'MI',
      patient?.memberId,
    ),
  );
  if (facility !== undefined) {
    const from = facility.admissionDate ?? priced.dates.firstService;
    const to = facility.dischargeDate ?? priced.dates.lastService;
    segments.push(segment('DTM', '232', x12Date(from)), segment('DTM', '233', x12Date(to)));
  }
  for (const s of lines) segments.push(s);
  return { payment, segments };
}

/** N3/N4 of a party whose address we know. */
function addressSegments(address: RemittanceParties['payer']['address'], out: string[]): void {
  if (address === undefined || address.lines.length === 0) return;
  out.push(segment('N3', ...address.lines.slice(0, 2)));
  out.push(segment('N4', address.city, address.state, address.zip));
}

/**
 * Claims grouped by payee (NPI, tax id and name), each group in the order its first claim came,
 * as positions (1-based) in the request. The payer is part of the key too: a transaction set names
 * one payer (1000A) and one payee (1000B), so claims from two payers to one payee are two sets.
 */
function byPayee(claims: readonly RemittanceInput[]): number[][] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < claims.length; i++) {
    const { payer, payee: p } = (claims[i] as RemittanceInput).parties;
    const key = `${p.npi ?? ''}\u0000${p.taxId ?? ''}\u0000${p.name}\u0000${payer.id ?? ''}\u0000${payer.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i + 1]);
    else group.push(i + 1);
  }
  return [...groups.values()];
}

/** One transaction set: the header (BPR, TRN, DTM, payer, payee) and its claims under LX*1. */
function transactionSet(
  claims: readonly RemittanceInput[],
  positions: readonly number[],
  ordinal: number,
  options: RemittanceOptions,
): TransactionSet {
  const body: string[] = [];
  let total = 0;
  for (const position of positions) {
    const claim = claims[position - 1] as RemittanceInput;
    const out = claimSegments(claim.remittance, position, options.requestId);
    total += out.payment;
    for (const s of out.segments) body.push(s);
  }
  const payment = options.payment;
  const today = options.at.toISOString().slice(0, 10);
  const header: string[] = [
    payment === undefined
      ? segment('BPR', 'H', '0.00', 'C', 'NON', ...new Array<string>(11).fill(''), x12Date(today))
      : segment(
          'BPR',
          'I',
          amount(total),
          'C',
          payment.method,
          ...new Array<string>(11).fill(''),
          x12Date(payment.date),
        ),
    segment(
      'TRN',
      '1',
      payment?.traceNumber ?? `${options.requestId}-${ordinal}`.slice(-50),
      payment?.originatorId,
    ),
    segment('DTM', '405', x12Date(today)),
  ];
  const { payer, payee } = (claims[(positions[0] as number) - 1] as RemittanceInput).parties;
  header.push(segment('N1', 'PR', payer.name));
  addressSegments(payer.address, header);
  if (payer.id !== undefined) header.push(segment('REF', '2U', payer.id));
  const payeeId: readonly [string, string] | undefined =
    payee.npi !== undefined ? ['XX', payee.npi] : payee.taxId !== undefined ? ['FI', payee.taxId] : undefined;
  header.push(segment('N1', 'PE', payee.name, payeeId?.[0], payeeId?.[1]));
  addressSegments(payee.address, header);
  if (payee.taxId !== undefined && payeeId?.[0] === 'XX') header.push(segment('REF', 'TJ', payee.taxId));
  header.push(segment('LX', '1'));
  return { id: '835', controlNumber: String(ordinal).padStart(4, '0'), segments: [...header, ...body] };
}

/**
 * Writes the 835 for priced claims: one transaction set per payee (claims grouped by the payee's
 * NPI, tax id and name, in file order), BPR/TRN from the payment details or review-only, a CLP per
 * claim and an SVC per line with CAS, REF*6R, AMT*B6 and LQ*HE, inside one interchange.
 *
 * @param claims - the claims with their parties, in the order the request gave them
 * @param options - payment details (or none: review-only), request id, time, envelope parties and numbers
 * @returns the interchange text, one segment a line
 * @throws RemittanceBalanceError when a line's adjustments do not sum to billed less allowed
 * @example write835([{ remittance, parties }], { requestId, at: new Date(), sender, receiver, interchangeControlNumber: 1, usage: 'P' })
 */
export function write835(claims: readonly RemittanceInput[], options: RemittanceOptions): string {
  const sets: TransactionSet[] = [];
  for (const positions of byPayee(claims))
    sets.push(transactionSet(claims, positions, sets.length + 1, options));
  return interchange(
    {
      sender: options.sender,
      receiver: options.receiver,
      interchangeControlNumber: options.interchangeControlNumber,
      groupControlNumber: options.groupControlNumber ?? options.interchangeControlNumber,
      functionalIdentifier: 'HP',
      version: REMITTANCE_VERSION,
      usage: options.usage,
      at: options.at,
    },
    sets,
  );
}
