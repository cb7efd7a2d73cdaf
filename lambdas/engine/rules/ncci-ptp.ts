import type { FeeIndex, PtpEdit, PtpRun } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import { cents } from '../money.js';
import { type NcciEditions, ncciEditions } from './ncci-editions.js';
import { inferColumnOrder, type OrderSide } from './ncci-order.js';
import { adoptsPolicy, sessions } from './payment-policy.js';
import type { BillRule, RuleDecision, RuleLine } from './types.js';

/**
 * Modifiers that bypass an edit of modifier indicator 1 when either line of the pair carries them
 * (NCCI Policy Manual, Chapter I, § E; CMS accepts the modifier on either code of the pair).
 */
const BYPASS = new Set(['59', 'XE', 'XS', 'XP', 'XU', '24', '25', '57', '58', '78', '79', '91']);

/**
 * Anatomic modifiers: they bypass an indicator 1 edit only when they put the two procedures on
 * different sites, that is when the two lines do not carry the same ones.
 */
const ANATOMIC = new Set([
  'E1',
  'E2',
  'E3',
  'E4',
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F8',
  'F9',
  'FA',
  'LT',
  'RT',
  'TA',
  'T1',
  'T2',
  'T3',
  'T4',
  'T5',
  'T6',
  'T7',
  'T8',
  'T9',
  'LC',
  'LD',
  'LM',
  'RC',
  'RI',
]);

/** The modifier that lets a pair of lines past an indicator 1 edit, or undefined. */
function bypassOf(a: readonly string[], b: readonly string[]): string | undefined {
  const general = a.find((m) => BYPASS.has(m)) ?? b.find((m) => BYPASS.has(m));
  if (general) return general;
  const sites = (m: readonly string[]) =>
    m
      .filter((x) => ANATOMIC.has(x))
      .sort()
      .join(',');
  const siteA = sites(a);
  const siteB = sites(b);
  return siteA !== siteB ? (siteA || siteB).split(',')[0] : undefined;
}

/** A code's PTP runs as column 1, kept per index (bounded: bills repeat a small set of codes). */
const runCaches = new WeakMap<FeeIndex, Map<string, Runs>>();

/** A code's PTP runs as column 1: one per edition that files the code as column 1. */
interface Runs {
  readonly dated: readonly PtpRun[];
  readonly undated: readonly PtpRun[];
}

const NO_RUNS: Runs = { dated: [], undated: [] };

/** A code's runs as column 1 (kept per index, bounded: bills repeat a small set of codes). */
function runsOf(index: FeeIndex, code: string): Runs {
  let cache = runCaches.get(index);
  if (!cache) {
    cache = new Map();
    runCaches.set(index, cache);
  }
  let runs = cache.get(code);
  if (!runs) {
    runs = readRuns(index, ncciEditions(index, 'ncci-ptp'), code);
    if (cache.size >= 20_000) cache.clear();
    cache.set(code, runs);
  }
  return runs;
}

function readRuns(index: FeeIndex, { dated, undated }: NcciEditions, code: string): Runs {
  const d: PtpRun[] = [];
  const u: PtpRun[] = [];
  for (const e of dated) {
    const run = index.ptpRun(e, code);
    if (run) d.push(run);
  }
  for (const e of undated) {
    const run = index.ptpRun(e, code);
    if (run) u.push(run);
  }
  return d.length === 0 && u.length === 0 ? NO_RUNS : { dated: d, undated: u };
}

/**
 * The edits of a pair of codes, found whichever code a file lists first: CMS's dated files, one
 * edit a direction (the newest dated file that holds it; CMS lists a few pairs both ways), and the
 * undated table, whose order is the lexical one and not CMS's.
 */
interface PairEdits {
  readonly dated: readonly PtpEdit[];
  readonly undated: PtpEdit | undefined;
}

const NO_EDITS: PairEdits = { dated: [], undated: undefined };

/** Pairs looked up, per index: lower code → higher code → edits (bounded: bills repeat a small set). */
const pairCaches = new WeakMap<FeeIndex, Map<string, Map<string, PairEdits>>>();

function firstIn(index: FeeIndex, runs: readonly PtpRun[], column2: string): PtpEdit | undefined {
  for (const run of runs) {
    const edit = index.ptpEditIn(run, column2);
    if (edit) return edit;
  }
  return undefined;
}

/** The edits of two codes in either direction, kept per index. */
function pairEdits(index: FeeIndex, a: string, runsA: Runs, b: string, runsB: Runs): PairEdits {
  let cache = pairCaches.get(index);
  if (!cache) {
    cache = new Map();
    pairCaches.set(index, cache);
  }
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  let byHi = cache.get(lo);
  if (!byHi) {
    if (cache.size >= 20_000) cache.clear();
    byHi = new Map();
    cache.set(lo, byHi);
  }
  let found = byHi.get(hi);
  if (!found) {
    const dated: PtpEdit[] = [];
    const ab = firstIn(index, runsA.dated, b);
    if (ab) dated.push(ab);
    const ba = firstIn(index, runsB.dated, a);
    if (ba) dated.push(ba);
    const undated = firstIn(index, runsA.undated, b) ?? firstIn(index, runsB.undated, a);
    found = dated.length === 0 && !undated ? NO_EDITS : { dated, undated };
    if (byHi.size >= 2_000) byHi.clear();
    byHi.set(hi, found);
  }
  return found;
}

/** An edit in force with the first line's code as column 1, and how that order was known. */
interface OrientedEdit {
  readonly edit: PtpEdit;
  readonly column1: string;
  readonly column2: string;
  /** Set when the order was inferred (the undated table): what from, for the line's message. */
  readonly inferred: string | undefined;
}

/**
 * The edits in force on the lines' date between two lines, one per direction: [a's code as column
 * 1, b's code as column 1]. A dated CMS file that holds the pair (in either order) decides, by its
 * own order and by the pair's effective and deletion dates (its files keep deleted edits with their
 * dates, so they answer for past dates too). Only a pair no dated file holds falls to the undated
 * table, treated as in force on every date; its order is inferred once ({@link inferColumnOrder}),
 * never read.
 */
function orient(
  index: FeeIndex,
  pair: PairEdits,
  a: RuleLine,
  b: RuleLine,
): readonly [OrientedEdit | undefined, OrientedEdit | undefined] {
  const date = a.line.dateOfService;
  if (pair.dated.length > 0) {
    const inForce = (column1: string): OrientedEdit | undefined => {
      const edit = pair.dated.find((e) => e.column1 === column1);
      if (!edit || edit.effective === null || date < edit.effective) return undefined;
      if (edit.deletion !== null && date > edit.deletion) return undefined;
      return { edit, column1: edit.column1, column2: edit.column2, inferred: undefined };
    };
    return [inForce(a.line.code), inForce(b.line.code)];
  }
  const edit = pair.undated;
  if (!edit) return [undefined, undefined];
  const order = inferColumnOrder(index, edit.rationale, date, sideOf(a), sideOf(b));
  if (!order) return [undefined, undefined];
  const oriented = { edit, column1: order.column1, column2: order.column2, inferred: order.basis };
  return order.column1 === a.line.code ? [oriented, undefined] : [undefined, oriented];
}

function sideOf(line: RuleLine): OrderSide {
  return { code: line.line.code, placeOfService: line.line.placeOfService, unitAmount: line.unitAmount };
}

/**
 * NCCI procedure-to-procedure edits: when two lines of the same date by the same provider are the
 * column 1 and column 2 codes of an edit in force, the column 2 line is denied (CARC 236), unless
 * the edit's modifier indicator is 1 and a bypass modifier is on either line (then the line is
 * paid and the trace says which modifier let it through), or the indicator is 9 (the edit does not
 * apply) (NCCI Policy Manual for Medicare Services, ch. I, § E). A pair is found whichever code a
 * file lists first. CMS's dated files give CMS's order; the undated table lists every pair under
 * its lexically lower code, so for a pair only it holds the order is inferred from CMS's own
 * definitions (see ncci-order.ts) and every line it decides says so. Mutually exclusive pairs are
 * edits of the same table, ordered as CMS describes them. Each pair is edited on its own, as CMS
 * does (a line denied as column 2 of one edit still counts as column 1 of another), except that of
 * two lines that are each other's column 2 (a pair CMS lists both ways), only the higher-numbered
 * one is denied. A line is denied once, by its lowest-numbered column 1.
 */
export const ncciPtpRule: BillRule = {
  id: 'ncci-ptp',
  title: 'NCCI procedure-to-procedure edits',
  stage: 'edit',
  regulation: REGULATIONS.ncciPtp,
  appliesTo: (j, date) => adoptsPolicy(j, 'ncci-ptp', date),
  run(lines, { index }) {
    const decisions: RuleDecision[] = [];
    const at = (i: number) => lines[i] as RuleLine;
    // Lines of one day and provider, in line-number order.
    for (const group of sessions(lines)) {
      if (group.length < 2) continue;
      const n = group.length;
      const members = group.map(at);
      const runs = members.map((l) => runsOf(index, l.line.code));
      // edits[gi * n + gk]: the edit in force with line gi's code as column 1 and line gk's as column 2.
      let edits: (OrientedEdit | undefined)[] | undefined;
      for (let gi = 0; gi < n; gi++) {
        const a = members[gi] as RuleLine;
        for (let gk = gi + 1; gk < n; gk++) {
          const b = members[gk] as RuleLine;
          if (
            a.amount === 0 ||
            b.amount === 0 ||
            a.line.code === b.line.code ||
            (runs[gi] === NO_RUNS && runs[gk] === NO_RUNS)
          )
            continue;
          const pair = pairEdits(index, a.line.code, runs[gi] as Runs, b.line.code, runs[gk] as Runs);
          if (pair === NO_EDITS) continue;
          const [ab, ba] = orient(index, pair, a, b);
          if (!ab && !ba) continue;
          edits ??= new Array<OrientedEdit | undefined>(n * n);
          edits[gi * n + gk] = ab;
          edits[gk * n + gi] = ba;
        }
      }
      if (!edits) continue;
      // Line denied → the line whose code denied it.
      const deniedBy = new Map<number, number>();
      for (let gi = 0; gi < n; gi++) {
        const i = group[gi] as number;
        const first = members[gi] as RuleLine;
        for (let gk = 0; gk < n; gk++) {
          const k = group[gk] as number;
          const second = members[gk] as RuleLine;
          const found = edits[gi * n + gk];
          if (!found || deniedBy.has(k) || deniedBy.get(i) === k || found.edit.modifierIndicator === 9)
            continue;
          const { edit } = found;
          const name = `${found.column1}/${found.column2}`;
          const where = `line ${first.line.lineNumber} (${first.line.code}) on ${first.line.dateOfService} by the same provider`;
          const source =
            edit.effective === null
              ? `${edit.edition.label}; undated table, treated as in force on every date although it includes edits CMS has since deleted; ${found.inferred}`
              : `${edit.edition.label}; effective ${edit.effective}${edit.deletion ? `, deleted after ${edit.deletion}` : ''}`;
          const rationale = edit.rationale ? `; rationale: ${edit.rationale}` : '';
          if (edit.modifierIndicator === 1) {
            const bypass = bypassOf(first.line.modifiers, second.line.modifiers);
            if (bypass) {
              decisions.push({
                lineIndex: k,
                decision: 'no-change',
                reduction: cents(0),
                message: `Line ${second.line.lineNumber} (${second.line.code}) is column 2 of NCCI PTP edit ${name} with ${where}; modifier indicator 1 and modifier ${bypass} is billed, so the edit is bypassed (${source}).`,
              });
              continue;
            }
          }
          deniedBy.set(k, i);
          decisions.push({
            lineIndex: k,
            decision: 'denied',
            reduction: second.amount,
            reason: 'BR-NCCI-PTP',
            message: `Line ${second.line.lineNumber} (${second.line.code}) is column 2 of NCCI PTP edit ${name} with ${where}: denied. Modifier indicator ${edit.modifierIndicator}${edit.modifierIndicator === 0 ? ' (no modifier bypasses it)' : ' (no bypass modifier billed: 59, XE, XS, XP, XU, an anatomic modifier for another site, 24, 25, 57, 58, 78, 79 or 91)'}${rationale} (${source}).`,
          });
        }
      }
    }
    return decisions;
  },
};
