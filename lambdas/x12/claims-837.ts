import { x12Field } from './errors.js';
import type { ClaimKind, Delimiters, ReadSet, Segment, X12Finding } from './read.js';
import type { PostalAddress, RemittanceClaim, RemittanceParties } from './remittance-claim.js';

/**
 * The claims of one 837 transaction set, each as one of our JSON bill inputs (BillSchema for an
 * 837P, FacilityBillSchema for an 837I), its remittance facts and parties, and where each field of
 * the bill came from, so that the normaliser's field errors ("lines[2].code") become the 999's
 * IK3/IK4 at the segment and element that carried them. The mapping table, with the TR3 loop,
 * segment and element of every field, is docs/decisions/017-x12-claims-in.md.
 *
 * Structure errors (a segment the 837 does not have, a segment where its loop cannot be) reject
 * the set; data errors (a code, a date, a unit basis) reject only the claim, through the same
 * normaliser a JSON bill goes through.
 */

/** Where a value of the bill came from in the set. */
export interface X12Source {
  readonly segment: string;
  readonly position: number;
  readonly setPosition: number;
  readonly loop: string;
  readonly element?: number;
  readonly component?: number;
  /** The X12 data element reference number (the 999's IK402), when known. */
  readonly reference?: string;
}

/** One 2300 claim of a set, read into our shapes. */
export interface ClaimFromX12 {
  /** CLM01, the patient control number; the priced bill's billId. */
  readonly claimId: string;
  readonly kind: ClaimKind;
  /** The JSON bill input, as a client would send it (normaliseRequest takes it as it is). */
  readonly bill: Record<string, unknown>;
  /** The claim's remittance facts, without the priced bill. */
  readonly remittance: Omit<RemittanceClaim, 'priced'>;
  readonly parties: RemittanceParties;
  /**
   * Each claim-level JSON path of the bill ("billingProvider.zip") to where it came from; the
   * lines' paths are in `lineSources` (one map a line, "code" for "lines[2].code"). Kept apart so
   * that a clean claim costs no path strings: {@link sourceOf} joins them when an error needs it.
   */
  readonly sources: ReadonlyMap<string, X12Source>;
  readonly lineSources: readonly ReadonlyMap<string, X12Source>[];
  /** The CLM segment itself: errors without a more precise source point here. */
  readonly claimSegment: X12Source;
  /** Errors found while reading the claim (before the normaliser): each rejects the claim. */
  readonly findings: readonly X12Finding[];
}

/** A set's claims, and the errors that reject the whole set. */
export interface SetClaims {
  readonly claims: readonly ClaimFromX12[];
  readonly findings: readonly X12Finding[];
}

/** Options of the reading: the request's jurisdiction wins over the claim's. */
export interface ClaimOptions {
  readonly jurisdiction?: string;
}

/** The segments an 837P or 837I holds (005010X222A1 and X223A2, tables 1–3). */
const KNOWN = new Set([
  'BHT',
  'NM1',
  'PER',
  'HL',
  'PRV',
  'CUR',
  'N3',
  'N4',
  'REF',
  'SBR',
  'PAT',
  'DMG',
  'CLM',
  'DTP',
  'PWK',
  'CN1',
  'AMT',
  'K3',
  'NTE',
  'CR1',
  'CR2',
  'CR3',
  'CR4',
  'CR5',
  'CR6',
  'CR7',
  'CRC',
  'HI',
  'HCP',
  'CL1',
  'LX',
  'SV1',
  'SV2',
  'SV5',
  'MEA',
  'QTY',
  'PS1',
  'LIN',
  'CTP',
  'SVD',
  'CAS',
  'LQ',
  'FRM',
  'OI',
  'MOA',
  'MIA',
  'MIL',
  'TOO',
  'SV3',
  'DN1',
  'DN2',
  'HSD',
]);

/** 837P 2310x and 2420x loops by NM101 (005010X222A1). */
const PROFESSIONAL_CLAIM_PARTIES: Record<string, string> = {
  DN: '2310A',
  P3: '2310A',
  '82': '2310B',
  '77': '2310C',
  DQ: '2310D',
  PW: '2310E',
  '45': '2310F',
};
const PROFESSIONAL_LINE_PARTIES: Record<string, string> = {
  '82': '2420A',
  QB: '2420B',
  '77': '2420C',
  DQ: '2420D',
  DK: '2420E',
  DN: '2420F',
  P3: '2420F',
  PW: '2420G',
  '45': '2420H',
};
/** 837I 2310x and 2420x loops by NM101 (005010X223A2). */
const INSTITUTIONAL_CLAIM_PARTIES: Record<string, string> = {
  '71': '2310A',
  '72': '2310B',
  ZZ: '2310C',
  '82': '2310D',
  '77': '2310E',
  DN: '2310F',
};
const INSTITUTIONAL_LINE_PARTIES: Record<string, string> = {
  '72': '2420A',
  ZZ: '2420B',
  '82': '2420C',
  DN: '2420D',
};

/** UB-04 facility type (CLM05-1 on an 837I) to our facility bill type (decision 013). */
const FACILITY_TYPES: Record<string, 'inpatient' | 'outpatient' | 'asc'> = {
  '11': 'inpatient',
  '13': 'outpatient',
  '83': 'asc',
};

/** ICD-10-CM diagnosis qualifiers of HI: principal, admitting, other (TR3 code source 897). */
const ICD10 = new Set(['ABK', 'ABJ', 'ABF']);

interface Party {
  name?: string;
  npi?: string;
  taxId?: string;
  address?: { lines: string[]; city?: string; state?: string; zip?: string };
  source?: { name?: X12Source; npi?: X12Source; zip?: X12Source; taxId?: X12Source };
}

interface Person {
  lastName?: string;
  firstName?: string;
  middleName?: string;
  memberId?: string;
}

interface LineDraft {
  readonly fields: Record<string, unknown>;
  readonly sources: Map<string, X12Source>;
  readonly index: number;
  charge?: string;
}

interface ClaimDraft {
  readonly clm: Segment;
  readonly source: X12Source;
  readonly fields: Record<string, unknown>;
  readonly sources: Map<string, X12Source>;
  readonly findings: X12Finding[];
  readonly lines: LineDraft[];
  readonly parties: Record<string, Party>;
  claimNumber?: { value: string; source: X12Source };
  priorAuthorization?: { value: string; source: X12Source };
  referral?: string;
  statement?: { from: string; to: string; source: X12Source };
  admission?: { value: string; source: X12Source };
  dischargeStatus?: { value: string; source: X12Source };
  drg?: { value: string; source: X12Source };
  diagnoses: string[];
  inCob: boolean;
}

/** Element n (1-based) of a segment, "" when absent. */
function elementAt(s: Segment, n: number): string {
  return s.elements[n - 1] ?? '';
}

const isoDate = (yyyymmdd: string): string =>
  /^\d{8}/.test(yyyymmdd)
    ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`
    : yyyymmdd;

/**
 * Reads the claims of a transaction set the reader accepted.
 *
 * @param set - from readInterchange
 * @param delimiters - the interchange's separators (components are split with ISA16's)
 * @param options - the request's jurisdiction, which wins over the claim's CLM11
 * @returns the claims and the set's structure errors (any of which rejects the whole set)
 * @example claimsOf(read.groups[0].sets[0], read.delimiters, { jurisdiction: 'CA' }).claims[0].bill
 */
export function claimsOf(set: ReadSet, delimiters: Delimiters, options: ClaimOptions = {}): SetClaims {
  const kind: ClaimKind = set.kind ?? 'professional';
  const split = (value: string): string[] => value.split(delimiters.component);
  const findings: X12Finding[] = [];
  const claims: ClaimFromX12[] = [];
  let loop = 'HEADER';
  let level: '20' | '22' | '23' | undefined;
  let billing: Party = {};
  let payer: Party = {};
  let subscriber: Person = {};
  let patient: Person | undefined;
  let claimFiling: string | undefined;
  let subscriberClaimNumber: { value: string; source: X12Source } | undefined;
  let patientClaimNumber: { value: string; source: X12Source } | undefined;
  let party: Party | undefined; // the 2010/2310/2420 party N3/N4/REF belong to
  let claim: ClaimDraft | undefined;
  let line: LineDraft | undefined;

  // A plain literal (no conditional spreads): this runs for every field of every line.
  const src = (s: Segment, element?: number, component?: number, reference?: string): X12Source => ({
    segment: s.tag,
    position: s.position,
    setPosition: s.setPosition,
    loop,
    element,
    component,
    reference,
  });
  const unexpected = (s: Segment, why: string) =>
    findings.push(findingAt(src(s), `${s.tag} is not expected here: ${why}`, '2'));

  const finishClaim = () => {
    if (claim === undefined) return;
    claims.push(
      buildClaim(claim, kind, split, {
        billing,
        payer,
        patient: patient ?? subscriber,
        claimFiling,
        claimNumber: claim.claimNumber ?? patientClaimNumber ?? subscriberClaimNumber,
        jurisdiction: options.jurisdiction,
      }),
    );
    claim = undefined;
    line = undefined;
  };

  // Made once, not a segment: these run for every segment of every claim.
  const setLoop = (l: string) => {
    loop = l;
  };
  const setParty = (p: Party | undefined) => {
    party = p;
  };
  const walk: Walk = { kind, src, split, setLoop, setParty, unexpected };
  for (const s of set.segments) {
    if (!KNOWN.has(s.tag)) {
      findings.push(findingAt(src(s), `${s.tag} is not a segment of the 837`, '6'));
      continue;
    }
    switch (s.tag) {
      case 'HL': {
        finishClaim();
        const code = elementAt(s, 3);
        if (code !== '20' && code !== '22' && code !== '23') {
          findings.push(
            findingAt(
              src(s, 3, undefined, '735'),
              'must be 20 (billing provider), 22 (subscriber) or 23 (patient)',
              '8',
              '7',
              code,
            ),
          );
          level = undefined;
          loop = 'HL';
          continue;
        }
        level = code;
        party = undefined;
        if (code === '20') {
          loop = '2000A';
          billing = {};
          payer = {};
          subscriber = {};
          patient = undefined;
        } else if (code === '22') {
          loop = '2000B';
          subscriber = {};
          patient = undefined;
          payer = {};
          claimFiling = undefined;
          subscriberClaimNumber = undefined;
          patientClaimNumber = undefined;
        } else {
          loop = '2000C';
          patient = {};
          patientClaimNumber = undefined;
        }
        continue;
      }
      case 'SBR':
        if (claim !== undefined) {
          // 2320: other subscriber information (coordination of benefits); its 2330 parties are
          // other payers' and are not this bill's.
          claim.inCob = true;
          line = undefined;
          loop = '2320';
        } else if (level === '22') {
          claimFiling = elementAt(s, 9) || undefined;
        } else unexpected(s, 'SBR belongs to the subscriber level (HL 22)');
        continue;
      case 'CLM': {
        finishClaim();
        if (level !== '22' && level !== '23') {
          unexpected(s, 'a claim (2300) belongs to a subscriber (HL 22) or patient (HL 23) level');
          continue;
        }
        loop = '2300';
        party = undefined;
        claim = {
          clm: s,
          source: src(s),
          fields: {},
          sources: new Map(),
          findings: [],
          lines: [],
          parties: {},
          diagnoses: [],
          inCob: false,
        };
        continue;
      }
      case 'LX': {
        if (claim === undefined) {
          unexpected(s, 'a service line (2400) belongs to a claim');
          continue;
        }
        loop = '2400';
        party = undefined;
        claim.inCob = false;
        const index = claim.lines.length;
        line = { fields: {}, sources: new Map(), index };
        claim.lines.push(line);
        const number = Number(elementAt(s, 1));
        line.fields.lineNumber = /^\d{1,6}$/.test(elementAt(s, 1)) ? number : elementAt(s, 1);
        line.sources.set('lineNumber', src(s, 1, undefined, '554'));
        continue;
      }
      default:
        break;
    }
    if (claim === undefined) {
      if (!headerOrLevelSegment(s, level)) {
        unexpected(s, 'it belongs to a claim (2300) or a service line (2400)');
        continue;
      }
      if (s.tag === 'NM1') {
        const qualifier = elementAt(s, 1);
        party = undefined;
        if (level === undefined) loop = qualifier === '41' ? '1000A' : '1000B';
        else if (level === '20' && qualifier === '85') {
          loop = '2010AA';
          party = billing;
          billing.name = elementAt(s, 3);
          billing.source = { name: src(s, 3, undefined, '1035') };
          if (elementAt(s, 8) === 'XX') {
            billing.npi = elementAt(s, 9);
            billing.source.npi = src(s, 9, undefined, '67');
          }
        } else if (level === '20') loop = qualifier === '87' ? '2010AB' : '2010AC';
        else if (level === '22' && qualifier === 'IL') {
          loop = '2010BA';
          setPerson(subscriber, s);
        } else if (level === '22' && qualifier === 'PR') {
          loop = '2010BB';
          party = payer;
          payer.name = elementAt(s, 3);
          if (elementAt(s, 9) !== '') payer.npi = elementAt(s, 9); // the payer id, kept in npi's slot of the draft
          payer.source = { name: src(s, 3, undefined, '1035') };
        } else if (level === '23' && qualifier === 'QC') {
          loop = '2010CA';
          patient ??= {};
          setPerson(patient, s);
        } else loop = `${loop.slice(0, 5)}?`;
      } else if ((s.tag === 'N3' || s.tag === 'N4') && party !== undefined) {
        address(party, s, src);
      } else if (s.tag === 'REF') {
        if (elementAt(s, 1) === 'EI' && party === billing && loop === '2010AA') {
          billing.taxId = elementAt(s, 2);
          billing.source = { ...billing.source, taxId: src(s, 2, undefined, '127') };
        } else if (elementAt(s, 1) === 'Y4' && (loop === '2010BA' || loop === '2010CA')) {
          const value = { value: elementAt(s, 2), source: src(s, 2, undefined, '127') };
          if (loop === '2010CA') patientClaimNumber = value;
          else subscriberClaimNumber = value;
        }
      }
      continue;
    }
    // Inside a claim (2300 and below).
    if (claim.inCob) continue; // 2320/2330 (other payers): not this bill's facts
    if (line === undefined) claimSegment(claim, s, walk, party);
    else lineSegment(claim, line, s, walk, party);
  }
  finishClaim();
  return { claims, findings };
}

function setPerson(p: Person, s: Segment): void {
  p.lastName = elementAt(s, 3) || undefined;
  p.firstName = elementAt(s, 4) || undefined;
  p.middleName = elementAt(s, 5) || undefined;
  p.memberId = elementAt(s, 8) === 'MI' ? elementAt(s, 9) || undefined : undefined;
}

function headerOrLevelSegment(s: Segment, level: string | undefined): boolean {
  const header = ['BHT', 'NM1', 'PER', 'REF'];
  if (level === undefined) return header.includes(s.tag);
  return ['NM1', 'N3', 'N4', 'REF', 'PER', 'PRV', 'CUR', 'PAT', 'DMG'].includes(s.tag);
}

type Src = (s: Segment, element?: number, component?: number, reference?: string) => X12Source;

/** What the claim and line readers share for a whole set: made once per set, not per segment. */
interface Walk {
  readonly kind: ClaimKind;
  readonly src: Src;
  readonly split: (v: string) => string[];
  readonly setLoop: (l: string) => void;
  readonly setParty: (p: Party | undefined) => void;
  readonly unexpected: (s: Segment, why: string) => void;
}

function address(p: Party, s: Segment, src: Src): void {
  p.address ??= { lines: [] };
  if (s.tag === 'N3') {
    p.address.lines = [elementAt(s, 1), elementAt(s, 2)].filter((l) => l !== '');
    return;
  }
  p.address.city = elementAt(s, 1) || undefined;
  p.address.state = elementAt(s, 2) || undefined;
  p.address.zip = elementAt(s, 3) || undefined;
  p.source = { ...p.source, zip: src(s, 3, undefined, '116') };
}

function claimSegment(claim: ClaimDraft, s: Segment, walk: Walk, party: Party | undefined): void {
  const { kind, src, split, setLoop, setParty } = walk;
  switch (s.tag) {
    case 'NM1': {
      const loops = kind === 'professional' ? PROFESSIONAL_CLAIM_PARTIES : INSTITUTIONAL_CLAIM_PARTIES;
      const loop = loops[elementAt(s, 1)] ?? '2310?';
      setLoop(loop);
      const p: Party = { source: {} };
      if (elementAt(s, 3) !== '') p.name = elementAt(s, 3);
      if (elementAt(s, 8) === 'XX' && elementAt(s, 9) !== '') {
        p.npi = elementAt(s, 9);
        p.source = { ...p.source, npi: src(s, 9, undefined, '67') };
      }
      claim.parties[elementAt(s, 1)] = p;
      setParty(p);
      return;
    }
    case 'N3':
    case 'N4':
      if (party !== undefined) address(party, s, src);
      return;
    case 'REF':
      if (elementAt(s, 1) === 'G1')
        claim.priorAuthorization = { value: elementAt(s, 2), source: src(s, 2, undefined, '127') };
      else if (elementAt(s, 1) === '9F') claim.referral = elementAt(s, 2);
      else if (elementAt(s, 1) === 'Y4')
        claim.claimNumber = { value: elementAt(s, 2), source: src(s, 2, undefined, '127') };
      return;
    case 'DTP': {
      const [qualifier, format, value] = [elementAt(s, 1), elementAt(s, 2), elementAt(s, 3)];
      if (qualifier === '434') {
        const [from, to] = format === 'RD8' ? value.split('-') : [value, value];
        claim.statement = {
          from: isoDate(from ?? ''),
          to: isoDate(to ?? from ?? ''),
          source: src(s, 3, undefined, '1251'),
        };
      } else if (qualifier === '435') {
        claim.admission = { value: isoDate(value.slice(0, 8)), source: src(s, 3, undefined, '1251') };
      }
      return;
    }
    case 'CL1':
      if (elementAt(s, 3) !== '')
        claim.dischargeStatus = { value: elementAt(s, 3), source: src(s, 3, undefined, '1352') };
      return;
    case 'HI':
      for (let i = 0; i < s.elements.length; i++) {
        const [qualifier, code] = split(s.elements[i] ?? '');
        if (qualifier === 'DR' && code !== undefined) {
          claim.drg = { value: code, source: src(s, i + 1, 2, '1271') };
        } else if (qualifier !== undefined && ICD10.has(qualifier) && code !== undefined && code !== '') {
          claim.diagnoses.push(code);
        }
      }
      return;
    default:
      return; // PWK, CN1, AMT, K3, NTE, CR1, CR2, CRC, HCP, PRV…: not used in pricing
  }
}

/**
 * An error at an X12 source, as the 999 and the JSON answer report it: its field name, position
 * and loop, and the 999's codes (IK304, IK403, IK402, IK404).
 *
 * @param source - where in the set
 * @param message - our plain words
 * @param segmentCode - IK304
 * @param elementCode - IK403, for an element at fault
 * @param badValue - IK404, a copy of the bad value (never a patient's value)
 * @returns the finding
 */
export function findingAt(
  source: X12Source,
  message: string,
  segmentCode: string,
  elementCode?: string,
  badValue?: string,
): X12Finding {
  return {
    field: x12Field(source.segment, source.element, source.component),
    errorMessage: message,
    segment: source.segment,
    position: source.position,
    setPosition: source.setPosition,
    loop: source.loop,
    ...(source.element === undefined ? {} : { element: source.element }),
    ...(source.component === undefined ? {} : { component: source.component }),
    segmentCode,
    ...(elementCode === undefined ? {} : { elementCode }),
    ...(source.reference === undefined ? {} : { reference: source.reference }),
    ...(badValue === undefined ? {} : { badValue }),
  };
}

/** A data error in a line: it rejects the claim (IK304 8, the IK403 given). */
function reject(
  claim: ClaimDraft,
  source: X12Source,
  message: string,
  elementCode: string,
  badValue?: string,
): void {
  claim.findings.push(findingAt(source, message, '8', elementCode, badValue));
}

function lineSegment(
  claim: ClaimDraft,
  line: LineDraft,
  s: Segment,
  walk: Walk,
  party: Party | undefined,
): void {
  const { kind, src, split, setLoop, setParty, unexpected } = walk;
  const f = line.fields;
  const sources = line.sources;
  switch (s.tag) {
    case 'SV1':
    case 'SV2': {
      if ((s.tag === 'SV1') !== (kind === 'professional')) {
        unexpected(s, `an ${kind === 'professional' ? '837P line is SV1' : '837I line is SV2'}`);
        return;
      }
      const professional = s.tag === 'SV1';
      const procedureElement = professional ? 1 : 2;
      const procedure = split(elementAt(s, procedureElement));
      if (!professional) {
        f.revenueCode = elementAt(s, 1);
        sources.set('revenueCode', src(s, 1, undefined, '234'));
      }
      if (procedure[0] !== undefined && procedure[0] !== '') {
        if (procedure[0] !== 'HC') {
          reject(
            claim,
            src(s, procedureElement, 1, '235'),
            /^[A-Z0-9]{2}$/.test(procedure[0])
              ? `must be HC (HCPCS); we price HCPCS and CPT codes, not "${procedure[0]}" codes`
              : `is "${procedure[0]}": must be HC, then the code in the next component, separated by ISA16's component separator`,
            '7',
            procedure[0],
          );
        }
        f.code = procedure[1] ?? '';
        sources.set('code', src(s, procedureElement, 2, '234'));
        const modifiers = procedure.slice(2, 6).filter((m) => m !== '');
        if (modifiers.length > 0) {
          f.modifiers = modifiers;
          for (let i = 0; i < modifiers.length; i++) {
            sources.set(`modifiers[${i}]`, src(s, procedureElement, i + 3, '1339'));
          }
        }
      } else if (professional) {
        reject(claim, src(s, 1, 2, '234'), 'the procedure code is required', '1');
      }
      const chargeElement = professional ? 2 : 3;
      f.charge = elementAt(s, chargeElement);
      line.charge = elementAt(s, chargeElement);
      sources.set('charge', src(s, chargeElement, undefined, '782'));
      const basis = elementAt(s, professional ? 3 : 4);
      const quantity = elementAt(s, professional ? 4 : 5);
      const quantitySource = src(s, professional ? 4 : 5, undefined, '380');
      if (quantity !== '') {
        const number = Number(quantity);
        const value = Number.isFinite(number) && quantity.trim() !== '' ? number : quantity;
        if (professional && basis === 'MJ') {
          f.anesthesiaMinutes = value;
          sources.set('anesthesiaMinutes', quantitySource);
        } else if (basis === 'UN' || (!professional && basis === 'DA')) {
          f.units = value;
          sources.set('units', quantitySource);
        } else {
          reject(
            claim,
            src(s, professional ? 3 : 4, undefined, '355'),
            `must be UN (units)${professional ? ' or MJ (anesthesia minutes)' : ' or DA (days)'}, not "${basis}"`,
            '7',
            basis,
          );
        }
      }
      if (professional && elementAt(s, 5) !== '') {
        f.placeOfService = elementAt(s, 5);
        sources.set('placeOfService', src(s, 5, undefined, '1331'));
      }
      return;
    }
    case 'DTP':
      if (elementAt(s, 1) === '472') {
        const value = elementAt(s, 3);
        f.dateOfService = isoDate(elementAt(s, 2) === 'RD8' ? (value.split('-')[0] ?? '') : value);
        sources.set('dateOfService', src(s, 3, undefined, '1251'));
      }
      return;
    case 'REF':
      if (elementAt(s, 1) === 'G1' && elementAt(s, 2) !== '') {
        f.priorAuthorization = elementAt(s, 2);
        sources.set('priorAuthorization', src(s, 2, undefined, '127'));
      }
      return;
    case 'LIN':
      setLoop('2410');
      if (elementAt(s, 2) === 'N4') {
        f.drug = { ...(f.drug as object | undefined), ndc: elementAt(s, 3) };
        sources.set('drug.ndc', src(s, 3, undefined, '234'));
      }
      return;
    case 'CTP':
      if (f.drug !== undefined) {
        (f.drug as Record<string, unknown>).quantity = elementAt(s, 4);
        sources.set('drug.quantity', src(s, 4, undefined, '380'));
      }
      return;
    case 'NM1': {
      const loops = kind === 'professional' ? PROFESSIONAL_LINE_PARTIES : INSTITUTIONAL_LINE_PARTIES;
      setLoop(loops[elementAt(s, 1)] ?? '2420?');
      if (
        elementAt(s, 1) === '82' &&
        kind === 'professional' &&
        elementAt(s, 8) === 'XX' &&
        elementAt(s, 9) !== ''
      ) {
        f.renderingProviderNpi = elementAt(s, 9);
        sources.set('renderingProviderNpi', src(s, 9, undefined, '67'));
      }
      setParty(undefined);
      return;
    }
    case 'SVD':
      setLoop('2430');
      return;
    case 'LQ':
      setLoop('2440');
      return;
    case 'N3':
    case 'N4':
      if (party !== undefined) address(party, s, src);
      return;
    default:
      return;
  }
}

interface ClaimContext {
  readonly billing: Party;
  readonly payer: Party;
  readonly patient: Person;
  readonly claimFiling: string | undefined;
  readonly claimNumber: { value: string; source: X12Source } | undefined;
  readonly jurisdiction: string | undefined;
}

const postal = (p: Party | undefined): PostalAddress | undefined =>
  p?.address === undefined
    ? undefined
    : {
        lines: p.address.lines,
        ...(p.address.city === undefined ? {} : { city: p.address.city }),
        ...(p.address.state === undefined ? {} : { state: p.address.state }),
        ...(p.address.zip === undefined ? {} : { zip: p.address.zip }),
      };

function buildClaim(
  draft: ClaimDraft,
  kind: ClaimKind,
  split: (v: string) => string[],
  context: ClaimContext,
): ClaimFromX12 {
  const clm = draft.clm.elements;
  const claimId = clm[0] ?? '';
  const sources = draft.sources;
  const clmSource = draft.source;
  const at = (element: number, component?: number, reference?: string): X12Source => ({
    segment: clmSource.segment,
    position: clmSource.position,
    setPosition: clmSource.setPosition,
    loop: clmSource.loop,
    element,
    component,
    reference,
  });
  const findings = draft.findings;
  const [facilityCode = '', , frequency = ''] = split(clm[4] ?? '');
  const related = split(clm[10] ?? '');
  const bill: Record<string, unknown> = { billId: claimId };
  sources.set('billId', at(1, undefined, '1028'));
  // Jurisdiction: the request's, else a workers' compensation claim's state (CLM11-1..3 "EM",
  // CLM11-4), else the claim cannot be priced (decision 017).
  const claimState = related.slice(0, 3).includes('EM') && (related[3] ?? '') !== '' ? related[3] : undefined;
  const jurisdiction = context.jurisdiction ?? claimState;
  if (jurisdiction === undefined) {
    findings.push(
      findingAt(
        at(11, 4, '156'),
        'no jurisdiction: send the jurisdiction query parameter, or CLM11 with related cause EM (employment) and the state in CLM11-4',
        '8',
        '2',
      ),
    );
  } else {
    bill.jurisdiction = jurisdiction;
    if (context.jurisdiction === undefined) sources.set('jurisdiction', at(11, 4, '156'));
  }
  const billing = context.billing;
  const claimParties = draft.parties;
  const lines = draft.lines.map((l) => {
    const out = l.fields;
    if (out.priorAuthorization === undefined && draft.priorAuthorization !== undefined) {
      // A claim-level REF*G1 covers every line that has none of its own (TR3 2300 REF*G1).
      out.priorAuthorization = draft.priorAuthorization.value;
      l.sources.set('priorAuthorization', draft.priorAuthorization.source);
    }
    return out;
  });
  if (kind === 'professional') {
    if (facilityCode !== '') {
      bill.placeOfService = facilityCode;
      sources.set('placeOfService', at(5, 1, '1331'));
    }
    const billingProvider = partyInput(billing, 'billingProvider', sources, true);
    if (billingProvider !== undefined) bill.billingProvider = billingProvider;
    const facility = claimParties['77'];
    if (facility !== undefined) {
      const serviceFacility = partyInput(facility, 'serviceFacility', sources, false);
      if (serviceFacility !== undefined) bill.serviceFacility = serviceFacility;
    }
    const rendering = claimParties['82'];
    if (rendering?.npi !== undefined) {
      bill.renderingProvider = { npi: rendering.npi };
      if (rendering.source?.npi !== undefined) sources.set('renderingProvider.npi', rendering.source.npi);
    }
  } else {
    const billType = FACILITY_TYPES[facilityCode];
    if (billType === undefined) {
      findings.push({
        field: 'CLM05-1',
        errorMessage: `facility type ${facilityCode} is not a bill type we price: 11 (inpatient), 13 (outpatient) or 83 (surgery centre)`,
        segment: 'CLM',
        position: clmSource.position,
        setPosition: clmSource.setPosition,
        loop: '2300',
        element: 5,
        component: 1,
        segmentCode: '8',
        elementCode: '7',
        reference: '1331',
        badValue: facilityCode,
      });
    } else bill.billType = billType;
    sources.set('billType', at(5, 1, '1331'));
    bill.typeOfBill = `0${facilityCode}${frequency}`;
    sources.set('typeOfBill', at(5, 1, '1331'));
    const serviceFacility = claimParties['77'];
    const zipParty = serviceFacility?.address?.zip !== undefined ? serviceFacility : billing;
    const facility: Record<string, unknown> = {};
    const npiParty = serviceFacility?.npi !== undefined ? serviceFacility : billing;
    if (npiParty.npi !== undefined) {
      facility.npi = npiParty.npi;
      if (npiParty.source?.npi !== undefined) sources.set('facility.npi', npiParty.source.npi);
    }
    if (zipParty.address?.zip !== undefined) {
      facility.zip = zipParty.address.zip;
      if (zipParty.source?.zip !== undefined) sources.set('facility.zip', zipParty.source.zip);
    }
    sources.set('facility', billing.source?.name ?? clmSource);
    if (billing.name !== undefined) facility.name = billing.name;
    if (billing.taxId !== undefined) facility.taxId = billing.taxId;
    bill.facility = facility;
    if (draft.admission !== undefined) {
      bill.admissionDate = draft.admission.value;
      sources.set('admissionDate', draft.admission.source);
    }
    if (billType === 'inpatient' && draft.statement !== undefined && draft.dischargeStatus?.value !== '30') {
      // The statement period's end is the discharge date of a stay that ended (status other than
      // 30, still a patient), as for the institutional claim JSON (normalise-facility.ts).
      bill.dischargeDate = draft.statement.to;
      sources.set('dischargeDate', draft.statement.source);
    }
    if (draft.dischargeStatus !== undefined) {
      bill.dischargeStatus = draft.dischargeStatus.value;
      sources.set('dischargeStatus', draft.dischargeStatus.source);
    }
    if (draft.drg !== undefined) {
      bill.drg = draft.drg.value;
      sources.set('drg', draft.drg.source);
    }
    if (draft.diagnoses.length > 0) bill.diagnoses = draft.diagnoses;
    // A line without DTP*472 on a one-day statement was on that day (TR3: the line date is
    // required when it differs from the statement period).
    if (draft.statement !== undefined && draft.statement.from === draft.statement.to) {
      const statement = draft.statement;
      lines.forEach((l, i) => {
        if (l.dateOfService === undefined) {
          l.dateOfService = statement.from;
          draft.lines[i]?.sources.set('dateOfService', statement.source);
        }
      });
    }
  }
  const payer = context.payer;
  if (payer.name !== undefined || payer.npi !== undefined) {
    bill.payer = {
      ...(payer.name === undefined || payer.name === '' ? {} : { name: payer.name }),
      ...(payer.npi === undefined ? {} : { id: payer.npi }),
    };
    if (payer.source?.name !== undefined) sources.set('payer.name', payer.source.name);
  }
  bill.lines = lines;
  sources.set('lines', clmSource);
  const patient = context.patient;
  const remittance: Omit<RemittanceClaim, 'priced'> = {
    patientControlNumber: claimId,
    ...(context.claimNumber === undefined ? {} : { claimNumber: context.claimNumber.value }),
    ...(context.claimFiling === undefined ? {} : { claimFilingIndicator: context.claimFiling }),
    ...(facilityCode === '' ? {} : { facilityCode }),
    ...(frequency === '' ? {} : { frequencyCode: frequency }),
    ...(draft.referral === undefined ? {} : { referralNumber: draft.referral }),
    patient: {
      ...(patient.lastName === undefined ? {} : { lastName: patient.lastName }),
      ...(patient.firstName === undefined ? {} : { firstName: patient.firstName }),
      ...(patient.middleName === undefined ? {} : { middleName: patient.middleName }),
      ...(patient.memberId === undefined ? {} : { memberId: patient.memberId }),
    },
  };
  const payerAddress = postal(payer);
  const payeeAddress = postal(billing);
  const parties: RemittanceParties = {
    payer: {
      name: payer.name ?? '',
      ...(payer.npi === undefined ? {} : { id: payer.npi }),
      ...(payerAddress === undefined ? {} : { address: payerAddress }),
    },
    payee: {
      name: billing.name ?? '',
      ...(billing.npi === undefined ? {} : { npi: billing.npi }),
      ...(billing.taxId === undefined ? {} : { taxId: billing.taxId }),
      ...(payeeAddress === undefined ? {} : { address: payeeAddress }),
    },
  };
  return {
    claimId,
    kind,
    bill,
    remittance,
    parties,
    sources,
    lineSources: draft.lines.map((l) => l.sources),
    claimSegment: clmSource,
    findings,
  };
}

function partyInput(
  p: Party,
  path: string,
  sources: Map<string, X12Source>,
  withTaxId: boolean,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (p.npi !== undefined) {
    out.npi = p.npi;
    if (p.source?.npi !== undefined) sources.set(`${path}.npi`, p.source.npi);
  }
  if (p.address?.zip !== undefined) {
    out.zip = p.address.zip;
    if (p.source?.zip !== undefined) sources.set(`${path}.zip`, p.source.zip);
  }
  if (p.name !== undefined && p.name !== '') {
    out.name = p.name;
    if (p.source?.name !== undefined) sources.set(`${path}.name`, p.source.name);
  }
  if (withTaxId && p.taxId !== undefined) {
    out.taxId = p.taxId;
    if (p.source?.taxId !== undefined) sources.set(`${path}.taxId`, p.source.taxId);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Where a normaliser field error points in the set: the field's own source, else its nearest
 * parent's ("lines[2].drug.ndc" → "lines[2].drug" → "lines[2]"), else the claim's CLM segment.
 *
 * @param claim - the claim the error is about
 * @param field - the JSON path the normaliser named
 * @returns the X12 source
 */
export function sourceOf(claim: ClaimFromX12, field: string): X12Source {
  const line = /^lines\[(\d+)\]\.?(.*)$/.exec(field);
  const lineSources = line === null ? undefined : claim.lineSources[Number(line[1])];
  if (line !== null && lineSources !== undefined) {
    let path = line[2] ?? '';
    while (path !== '') {
      const found = lineSources.get(path);
      if (found !== undefined) return found;
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut <= 0 ? '' : path.slice(0, cut);
    }
    return lineSources.get('charge') ?? claim.claimSegment;
  }
  let path = field;
  for (;;) {
    const found = claim.sources.get(path);
    if (found !== undefined) return found;
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) return claim.claimSegment;
    path = path.slice(0, cut);
  }
}
