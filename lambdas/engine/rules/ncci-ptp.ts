import type { FeeIndex, PtpEdit, PtpRun } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import { cents } from '../money.js';
import { type NcciEditions, ncciEditions } from './ncci-editions.js';
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

/** A line's PTP runs as column 1: one per edition that has the code as column 1. */
interface Runs {
  readonly dated: readonly PtpRun[];
  readonly undated: readonly PtpRun[];
  /** The edits found with each column 2 code, whatever the date (bills repeat pairs): bounded. */
  readonly found: Map<string, Found>;
}

/** A pair's edit in the first dated file that holds it, and in the undated table. */
interface Found {
  readonly dated: PtpEdit | undefined;
  readonly undated: PtpEdit | undefined;
}

const NO_RUNS: Runs = { dated: [], undated: [], found: new Map() };

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
  return d.length === 0 && u.length === 0 ? NO_RUNS : { dated: d, undated: u, found: new Map() };
}

/**
 * The edit in force for a column 1 / column 2 pair on a date. A dated CMS file that holds the pair
 * decides by the pair's own effective and deletion dates (its files keep deleted edits with their
 * dates, so they answer for past dates too); only a pair no dated file holds falls to the undated
 * table, which is treated as in force on every date.
 */
function editFor(index: FeeIndex, runs: Runs, column2: string, date: string): PtpEdit | undefined {
  let found = runs.found.get(column2);
  if (!found) {
    let dated: PtpEdit | undefined;
    for (const run of runs.dated) {
      dated = index.ptpEditIn(run, column2);
      if (dated) break;
    }
    let undated: PtpEdit | undefined;
    for (const run of runs.undated) {
      undated = index.ptpEditIn(run, column2);
      if (undated) break;
    }
    found = { dated, undated };
    if (runs.found.size >= 2_000) runs.found.clear();
    runs.found.set(column2, found);
  }
  const edit = found.dated;
  if (edit) {
    const inForce =
      edit.effective !== null && edit.effective <= date && (edit.deletion === null || date <= edit.deletion);
    return inForce ? edit : undefined;
  }
  return found.undated;
}

/**
 * NCCI procedure-to-procedure edits: when two lines of the same date by the same provider are the
 * column 1 and column 2 codes of an edit in force, the column 2 line is denied (CARC 236), unless
 * the edit's modifier indicator is 1 and a bypass modifier is on either line (then the line is
 * paid and the trace says which modifier let it through), or the indicator is 9 (the edit does not
 * apply). Mutually exclusive pairs are edits of the same table and are handled the same way. Each
 * pair is edited on its own, as CMS does (a line denied as column 2 of one edit still counts as
 * column 1 of another), except that of two lines that are each other's column 2, only the
 * higher-numbered one is denied. A line is denied once, by its lowest-numbered column 1.
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
      // Line denied → the line whose code denied it.
      const deniedBy = new Map<number, number>();
      for (const i of group) {
        const first = at(i);
        if (first.amount === 0) continue;
        const runs = runsOf(index, first.line.code);
        if (runs === NO_RUNS) continue;
        for (const k of group) {
          const second = at(k);
          if (
            k === i ||
            deniedBy.has(k) ||
            deniedBy.get(i) === k ||
            second.amount === 0 ||
            second.line.code === first.line.code
          )
            continue;
          const edit = editFor(index, runs, second.line.code, first.line.dateOfService);
          if (!edit || edit.modifierIndicator === 9) continue;
          const pair = `${edit.column1}/${edit.column2}`;
          const where = `line ${first.line.lineNumber} (${first.line.code}) on ${first.line.dateOfService} by the same provider`;
          const source =
            edit.effective === null
              ? `${edit.edition.label}; undated table, treated as in force on every date although it includes edits CMS has since deleted`
              : `${edit.edition.label}; effective ${edit.effective}${edit.deletion ? `, deleted after ${edit.deletion}` : ''}`;
          const rationale = edit.rationale ? `; rationale: ${edit.rationale}` : '';
          if (edit.modifierIndicator === 1) {
            const bypass = bypassOf(first.line.modifiers, second.line.modifiers);
            if (bypass) {
              decisions.push({
                lineIndex: k,
                decision: 'no-change',
                reduction: cents(0),
                message: `Line ${second.line.lineNumber} (${second.line.code}) is column 2 of NCCI PTP edit ${pair} with ${where}; modifier indicator 1 and modifier ${bypass} is billed, so the edit is bypassed (${source}).`,
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
            message: `Line ${second.line.lineNumber} (${second.line.code}) is column 2 of NCCI PTP edit ${pair} with ${where}: denied. Modifier indicator ${edit.modifierIndicator}${edit.modifierIndicator === 0 ? ' (no modifier bypasses it)' : ' (no bypass modifier billed: 59, XE, XS, XP, XU, an anatomic modifier for another site, 24, 25, 57, 58, 78, 79 or 91)'}${rationale} (${source}).`,
          });
        }
      }
    }
    return decisions;
  },
};
