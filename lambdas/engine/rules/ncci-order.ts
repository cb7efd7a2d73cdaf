import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { settingOf } from '../fee-schedules/place-of-service.js';
import { type Cents, formatCents, formatScaled } from '../money.js';
// CPT's evaluation and management section (99202–99499): one definition, the global surgery rule's.
import { isVisit } from './global-surgery.js';

/**
 * Which code of an NCCI PTP pair is column 1 (paid) and which is column 2 (denied), inferred for a
 * pair only the undated derived table holds. That table files every pair under its lexically lower
 * code, which is not CMS's order (it would pay 20610 and deny 27447), so its order is never read.
 * The convention, in the order it is applied:
 *
 * 1. The two anesthesia rationales name the anesthesia code's side (NCCI Policy Manual for Medicare
 *    Services, ch. II, Anesthesia Services): "Standard preparation/monitoring services for
 *    anesthesia" edits bundle the monitoring and preparation services into the anesthesia care, so
 *    the anesthesia code (00100–01999) is column 1; "Anesthesia service included in surgical
 *    procedure" edits bundle the anesthesia the operating physician gives into the procedure (ch. I
 *    and ch. II: Medicare does not pay the surgeon separately for it), so the anesthesia service is
 *    column 2: an anesthesia code, or an injection the table edits as anesthesia (epidural and
 *    intrathecal 62310–62327, nerve blocks 64400–64530, retrobulbar and Tenon 67500–67515,
 *    0228T–0231T, moderate sedation 99151–99157). Where neither or both codes are such services
 *    the rationale does not say, and the steps below decide.
 * 2. An evaluation and management service (CPT 99202–99499) against any other service is column 2:
 *    the E/M work of a procedure's day is part of the procedure's payment, and a separate E/M is
 *    paid only with modifier 25 or 57 (NCCI Policy Manual ch. I, E&M services, and ch. XI; Claims
 *    Processing Manual ch. 12 § 40.1). Modifiers 25 and 57 are bypass modifiers of the rule.
 * 3. A "Mutually exclusive procedures" edit: CMS described its mutually exclusive edits as putting
 *    the code with the higher work RVU in column 2 (of two services that exclude each other, the
 *    lower-valued one is paid). We hold that description only as copied from CMS's NCCI pages by
 *    third parties; the current Policy Manual does not say which code of such a pair is column 1
 *    (source silent), and the line's message says so. Equal work RVUs fall to step 4.
 * 4. Otherwise column 1 is the more comprehensive code and column 2 its component or the less
 *    extensive procedure (NCCI Policy Manual ch. I, on column one/column two edits and on its
 *    "more extensive procedure" and "separate procedure" edits). The manual gives no measure of
 *    which code is more comprehensive (source silent); we take the one CMS values services by: the
 *    total RVU (work + practice expense of the line's setting, facility or non-facility by place
 *    of service, as the line was priced, + malpractice) of the code's global row in the RVU edition
 *    in force on the date. The lower total is column 2; equal totals, the lower work RVU; equal
 *    work too, the code that sorts higher is column 2 (a fixed tie-break no CMS source gives, so
 *    that the answer never depends on line order).
 * 5. When a code has no RVU row in that edition, or a row with no RVUs (lab, drug and status X/I/J
 *    codes), RVUs cannot compare the two: the fee schedule amounts of one unit the two lines were
 *    priced at (each from its own official schedule, CLFS for a lab code) are compared instead, the
 *    lower being column 2, and the line says so. Equal amounts fall to the fixed tie-break.
 *
 * Every order decided here is said on the line, with its basis.
 */

/** One side of a pair: the code and what its line was priced with. */
export interface OrderSide {
  readonly code: string;
  /** Place of service of the line: its setting picks the PE RVU, as the line was priced. */
  readonly placeOfService: string;
  /** Fee schedule amount of one unit of the line; only needed where a code has no RVUs. */
  readonly unitAmount?: Cents;
}

/** Which code is column 1 and which column 2, and the words that say why. */
export interface ColumnOrder {
  readonly column1: string;
  readonly column2: string;
  /** For the line's message: what the order was inferred from. */
  readonly basis: string;
}

export const MUTUALLY_EXCLUSIVE = 'Mutually exclusive procedures';
const ANESTHESIA_MONITORING = 'Standard preparation/monitoring services for anesthesia';
const ANESTHESIA_IN_PROCEDURE = 'Anesthesia service included in surgical procedure';
const NOT_CMS_ORDER = "the undated table's order is not CMS's";

/** Whether a code is a CPT anesthesia code (00100–01999). */
export function isAnesthesia(code: string): boolean {
  return code.length === 5 && code >= '00100' && code <= '01999' && /^\d{5}$/.test(code);
}

/**
 * Whether a code is an anesthesia service in the sense of the "Anesthesia service included in
 * surgical procedure" edits: an anesthesia code, or a block, injection or sedation code that those
 * edits put in column 2 when the operating physician gives it (NCCI Policy Manual ch. II).
 */
export function isAnesthesiaService(code: string): boolean {
  if (isAnesthesia(code)) return true;
  if (/^\d{5}$/.test(code))
    return (
      (code >= '62310' && code <= '62327') ||
      (code >= '64400' && code <= '64530') ||
      (code >= '67500' && code <= '67515') ||
      (code >= '99151' && code <= '99157')
    );
  return code >= '0228T' && code <= '0231T' && /^\d{4}T$/.test(code);
}

/** A code's RVUs in one setting, in hundredths, with the row they come from. */
interface CodeValue {
  readonly work: number;
  readonly total: number;
  readonly line: number;
}

/** A code without RVUs to compare: why, for the message. */
interface NoValue {
  readonly missing: string;
}

/** The part of an order that depends only on the codes, their settings and the RVU edition. */
type CodeOrder = ColumnOrder | { readonly byAmount: string };

/** Per index: lower code → higher code → (RVU edition, settings) → order. Bounded. */
const caches = new WeakMap<FeeIndex, Map<string, Map<string, Map<number, CodeOrder>>>>();

/**
 * Infers the column order of a pair the undated PTP table holds (see the module comment for the
 * convention and its sources). Kept per index and code pair, setting and RVU edition (bounded); the
 * amount comparison of step 5 is made per call, as it depends on the lines.
 *
 * @param index - the fee index (its RVU editions)
 * @param rationale - the edit's rationale, as the table gives it
 * @param date - the date of service of the two lines (YYYY-MM-DD)
 * @param a - one line's side
 * @param b - the other line's side
 * @returns the order, or undefined when step 5 is needed and a side has no unit amount
 * @example inferColumnOrder(index, 'Standards of medical/surgical practice', '2025-03-04', { code: '27447', placeOfService: '11' }, { code: '20610', placeOfService: '11' })
 */
export function inferColumnOrder(
  index: FeeIndex,
  rationale: string,
  date: string,
  a: OrderSide,
  b: OrderSide,
): ColumnOrder | undefined {
  const swap = a.code > b.code;
  const lo = swap ? b : a;
  const hi = swap ? a : b;
  const edition = index.editionFor('pfs-rvu', date)?.edition;
  const sLo = settingOf(lo.placeOfService);
  const sHi = settingOf(hi.placeOfService);
  // (edition, settings) as one number: hot path, no string built.
  const key = ((edition?.index ?? -1) + 1) * 4 + (sLo === 'facility' ? 2 : 0) + (sHi === 'facility' ? 1 : 0);
  let cache = caches.get(index);
  if (!cache) {
    cache = new Map();
    caches.set(index, cache);
  }
  let byHi = cache.get(lo.code);
  if (!byHi) {
    if (cache.size >= 20_000) cache.clear();
    byHi = new Map();
    cache.set(lo.code, byHi);
  }
  let byKey = byHi.get(hi.code);
  if (!byKey) {
    if (byHi.size >= 2_000) byHi.clear();
    byKey = new Map();
    byHi.set(hi.code, byKey);
  }
  let order = byKey.get(key);
  if (!order) {
    order = codeOrder(
      index,
      rationale,
      edition,
      { code: lo.code, setting: sLo },
      { code: hi.code, setting: sHi },
    );
    byKey.set(key, order);
  }
  if ('column1' in order) return order;
  if (lo.unitAmount === undefined || hi.unitAmount === undefined) return undefined;
  const money = (s: OrderSide) => `$${formatCents(s.unitAmount as Cents)}`;
  if (lo.unitAmount !== hi.unitAmount) {
    const [c1, c2] = lo.unitAmount > hi.unitAmount ? [lo, hi] : [hi, lo];
    return {
      column1: c1.code,
      column2: c2.code,
      basis: `${order.byAmount}, so the lines' fee schedule amounts of one unit are compared: ${c2.code} ${money(c2)} < ${c1.code} ${money(c1)}, the lower being the less comprehensive (column 2) code; ${NOT_CMS_ORDER}`,
    };
  }
  return {
    column1: lo.code,
    column2: hi.code,
    basis: `${order.byAmount}, and the lines' fee schedule amounts of one unit are equal (${money(lo)}): ${hi.code}, the code that sorts higher, is taken as column 2 (a fixed tie-break no CMS source gives); ${NOT_CMS_ORDER}`,
  };
}

function codeOrder(
  index: FeeIndex,
  rationale: string,
  edition: EditionInfo | undefined,
  lo: { code: string; setting: 'facility' | 'non-facility' },
  hi: { code: string; setting: 'facility' | 'non-facility' },
): CodeOrder {
  const ordered = (column1: string, column2: string, why: string): ColumnOrder => ({
    column1,
    column2,
    basis: `${why}; ${NOT_CMS_ORDER}`,
  });
  if (rationale === ANESTHESIA_MONITORING && isAnesthesia(lo.code) !== isAnesthesia(hi.code)) {
    const [an, other] = isAnesthesia(lo.code) ? [lo.code, hi.code] : [hi.code, lo.code];
    return ordered(
      an,
      other,
      `column order inferred: rationale "${rationale}", so the anesthesia code ${an} is column 1 and the preparation or monitoring service ${other} column 2 (NCCI Policy Manual ch. II)`,
    );
  }
  if (
    rationale === ANESTHESIA_IN_PROCEDURE &&
    isAnesthesiaService(lo.code) !== isAnesthesiaService(hi.code)
  ) {
    const [an, other] = isAnesthesiaService(lo.code) ? [lo.code, hi.code] : [hi.code, lo.code];
    return ordered(
      other,
      an,
      `column order inferred: rationale "${rationale}", so the anesthesia service ${an} is column 2 of the procedure ${other} (NCCI Policy Manual ch. I and ch. II)`,
    );
  }
  const emLo = isVisit(lo.code);
  const emHi = isVisit(hi.code);
  if (emLo !== emHi) {
    const [em, other] = emLo ? [lo.code, hi.code] : [hi.code, lo.code];
    return ordered(
      other,
      em,
      `column order inferred: ${em} is an evaluation and management service reported with ${other}, so it is column 2 (NCCI Policy Manual ch. I and ch. XI; Claims Processing Manual ch. 12 § 40.1)`,
    );
  }
  const vLo = edition
    ? rvuValueOf(index, lo.code, lo.setting, edition)
    : { missing: 'no RVU edition covers the date' };
  const vHi = edition
    ? rvuValueOf(index, hi.code, hi.setting, edition)
    : { missing: 'no RVU edition covers the date' };
  if ('missing' in vLo || 'missing' in vHi) {
    const missing = [vLo, vHi].flatMap((v) => ('missing' in v ? [v.missing] : []));
    return { byAmount: `column order inferred: ${missing.join(' and ')}` };
  }
  const source = edition as EditionInfo;
  const rows = `${source.source.file} line ${vLo.line} (${lo.code}), line ${vHi.line} (${hi.code}); ${source.label}`;
  const settings =
    lo.setting === hi.setting ? lo.setting : `${lo.setting} for ${lo.code}, ${hi.setting} for ${hi.code}`;
  const rvu = (n: number) => formatScaled(n, 2, 2);
  const pick = (
    loIsColumn2: boolean,
    cite: string,
    why: (c2: string, c1: string, v2: CodeValue, v1: CodeValue) => string,
  ) => {
    const [c2, c1, v2, v1] = loIsColumn2 ? [lo.code, hi.code, vLo, vHi] : [hi.code, lo.code, vHi, vLo];
    return ordered(c1, c2, `column order inferred: ${why(c2, c1, v2, v1)} (${cite}; ${rows})`);
  };
  if (rationale === MUTUALLY_EXCLUSIVE && vLo.work !== vHi.work)
    return pick(
      vLo.work > vHi.work,
      "CMS's description of its mutually exclusive edits; the Policy Manual does not say which code is column 1",
      (c2, c1, v2, v1) =>
        `mutually exclusive edit, the code with the higher work RVU is column 2: ${c2} work RVU ${rvu(v2.work)} > ${c1} ${rvu(v1.work)}`,
    );
  if (vLo.total !== vHi.total)
    return pick(
      vLo.total < vHi.total,
      'NCCI Policy Manual ch. I',
      (c2, c1, v2, v1) =>
        `${c2} total ${settings} RVU ${rvu(v2.total)} < ${c1} ${rvu(v1.total)}, the less comprehensive code is column 2`,
    );
  if (vLo.work !== vHi.work)
    return pick(
      vLo.work < vHi.work,
      'a tie-break of ours: no CMS source orders codes of equal value',
      (c2, c1, v2, v1) =>
        `equal total ${settings} RVUs (${rvu(v2.total)}); ${c2} work RVU ${rvu(v2.work)} < ${c1} ${rvu(v1.work)}, so ${c2} is taken as column 2`,
    );
  return pick(
    false,
    'a fixed tie-break of ours: no CMS source orders codes of equal value',
    (c2) => `equal total and work RVUs; ${c2}, the code that sorts higher, is taken as column 2`,
  );
}

/** A code's RVUs in a setting from its global row, or why there are none to compare. */
function rvuValueOf(
  index: FeeIndex,
  code: string,
  setting: 'facility' | 'non-facility',
  edition: EditionInfo,
): CodeValue | NoValue {
  const row = index.rvu(code, '', edition);
  if (!row) return { missing: `${code} has no row in ${edition.label}` };
  const pe = setting === 'facility' ? row.facilityPeRvu : row.nonFacilityPeRvu;
  const total = row.workRvu + pe + row.mpRvu;
  if (total <= 0)
    return { missing: `${code} has no RVUs in ${edition.label} (status ${row.status}, line ${row.line})` };
  return { work: row.workRvu, total, line: row.line };
}
