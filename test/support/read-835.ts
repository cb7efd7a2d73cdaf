/**
 * An 835 read back for tests: node-x12 parses the interchange (the parser the issue names), and
 * this walks its transaction sets into payer, payee, claims and lines by the TR3's loop starts
 * (CLP opens 2100, SVC opens 2110), independently of the writer. Amounts are integer cents.
 */
import { type X12Interchange, X12Parser } from 'node-x12';

/** "123.45" / "-9" / "" → cents (an empty amount reads as zero). */
export function cents(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const negative = text.startsWith('-');
  const [units = '0', decimals = ''] = (negative ? text.slice(1) : text).split('.');
  const value = Number(units) * 100 + Number(decimals.padEnd(2, '0'));
  return negative ? -value : value;
}

export interface Cas {
  readonly group: string;
  readonly carc: string;
  readonly amount: number;
}

export interface Line835 {
  /** SVC01 components: ["HC", code, ...modifiers] or ["NU", revenue code]. */
  readonly procedure: readonly string[];
  readonly charge: number;
  readonly payment: number;
  readonly revenueCode: string;
  readonly units: string;
  readonly serviceDate?: string;
  readonly cas: Cas[];
  readonly controlNumber?: string;
  readonly allowed?: number;
  readonly remarks: string[];
}

export interface Claim835 {
  readonly elements: readonly string[];
  readonly charge: number;
  readonly payment: number;
  readonly patientResponsibility: number;
  readonly cas: Cas[];
  readonly patient?: readonly string[];
  readonly dates: Record<string, string>;
  readonly lines: Line835[];
}

export interface Set835 {
  readonly controlNumber: string;
  /** SE01 as written, and the segments ST…SE as counted. */
  readonly se01: string;
  readonly segmentCount: number;
  readonly bpr: readonly string[];
  readonly trn: readonly string[];
  readonly payer: readonly string[];
  readonly payee: readonly string[];
  readonly claims: Claim835[];
  /** Every segment's tag, with its qualifier where the TR3 tells loops apart by it. */
  readonly keys: readonly string[];
}

export interface Read835 {
  readonly interchange: X12Interchange;
  readonly ge01: string;
  readonly iea01: string;
  readonly sets: Set835[];
}

const QUALIFIED = new Set(['N1', 'REF', 'DTM', 'NM1', 'AMT', 'LQ']);

/** A segment's kind for loop-order comparisons: "N1*PR", "CAS@2110", "SVC". */
function keyOf(tag: string, values: readonly string[], inLine: boolean): string {
  if (tag === 'CAS') return inLine ? 'CAS@2110' : 'CAS@2100';
  return QUALIFIED.has(tag) ? `${tag}*${values[0] ?? ''}` : tag;
}

function casOf(values: readonly string[]): Cas[] {
  const out: Cas[] = [];
  for (let i = 1; i + 1 < values.length; i += 3) {
    if ((values[i] ?? '') === '') continue;
    out.push({ group: values[0] as string, carc: values[i] as string, amount: cents(values[i + 1]) });
  }
  return out;
}

/**
 * Parses an 835 with node-x12 and reads its sets, claims and lines.
 *
 * @param text - the interchange
 * @returns what it says, amounts in cents
 */
export function read835(text: string): Read835 {
  const interchange = new X12Parser(true).parse(text) as X12Interchange;
  const group = interchange.functionalGroups[0];
  if (group === undefined) throw new Error('no functional group');
  const sets: Set835[] = group.transactions.map((t) => {
    const claims: Claim835[] = [];
    const keys: string[] = [];
    let bpr: string[] = [];
    let trn: string[] = [];
    let payer: string[] = [];
    let payee: string[] = [];
    let claim: Claim835 | undefined;
    let line: Line835 | undefined;
    for (const s of t.segments) {
      const values = s.elements.map((e) => e.value);
      keys.push(keyOf(s.tag, values, line !== undefined));
      switch (s.tag) {
        case 'BPR':
          bpr = values;
          break;
        case 'TRN':
          trn = values;
          break;
        case 'N1':
          if (values[0] === 'PR') payer = values;
          if (values[0] === 'PE') payee = values;
          break;
        case 'CLP':
          line = undefined;
          claim = {
            elements: values,
            charge: cents(values[2]),
            payment: cents(values[3]),
            patientResponsibility: cents(values[4]),
            cas: [],
            dates: {},
            lines: [],
          };
          claims.push(claim);
          break;
        case 'NM1':
          if (claim !== undefined && values[0] === 'QC') (claim as { patient?: string[] }).patient = values;
          break;
        case 'SVC': {
          const [procedure = '', charge, payment, revenueCode = '', units = ''] = values;
          line = {
            procedure: procedure.split(':'),
            charge: cents(charge),
            payment: cents(payment),
            revenueCode,
            units,
            cas: [],
            remarks: [],
          };
          claim?.lines.push(line);
          break;
        }
        case 'DTM':
          if (line !== undefined && values[0] === '472')
            (line as { serviceDate?: string }).serviceDate = values[1];
          else if (claim !== undefined && line === undefined)
            claim.dates[values[0] as string] = values[1] as string;
          break;
        case 'CAS':
          (line ?? claim)?.cas.push(...casOf(values));
          break;
        case 'REF':
          if (line !== undefined && values[0] === '6R')
            (line as { controlNumber?: string }).controlNumber = values[1];
          break;
        case 'AMT':
          if (line !== undefined && values[0] === 'B6')
            (line as { allowed?: number }).allowed = cents(values[1]);
          break;
        case 'LQ':
          if (line !== undefined && values[0] === 'HE') line.remarks.push(values[1] as string);
          break;
      }
    }
    return {
      controlNumber: t.header.elements[1]?.value as string,
      se01: t.trailer.elements[0]?.value as string,
      segmentCount: t.segments.length + 2,
      bpr,
      trn,
      payer,
      payee,
      claims,
      keys,
    };
  });
  return {
    interchange,
    ge01: group.trailer.elements[0]?.value as string,
    iea01: interchange.trailer.elements[0]?.value as string,
    sets,
  };
}
