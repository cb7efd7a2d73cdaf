import type { OppsWageIndexEntry } from '../../fee-index/facility-opps-reader.js';
import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { formatScaled } from '../money.js';
import type { ExplanationStep, SourceRow } from '../priced-bill.js';
import { OPPS_REGULATIONS } from './opps-regulations.js';
import type { Facility, WageIndexUsed } from './types.js';

/**
 * Which wage index an OPPS hospital is paid on. CMS's pricer table (`cbsa-wage-index-YYYY.csv`)
 * holds each area's values before the national rules that decide a hospital's value, so the rules
 * are applied here, each cited, and the answer names the one that won:
 *
 * 1. geographic: the value of the hospital's own CBSA (or its state's rural area);
 * 2. rural floor: an urban hospital is paid no less than its state's rural value (BBA 1997 § 4410);
 * 3. imputed floor: in a state with no rural area (the table gives the floor on the state's
 *    two-digit row: DC, NJ, RI, PR), no less than that floor (SSA § 1886(d)(3)(E)(iv));
 * 4. reclassification: when the bill names the CBSA the hospital is reclassified to, that area's
 *    value for reclassified hospitals (the table's reclassified column);
 * — the hospital is paid the highest of the values that apply to it (a reclassified hospital keeps
 * its floor, and may decline a reclassification that pays less, 42 CFR § 412.273) —
 * 5. out-migration: when the bill names the hospital's county and the hospital is not
 *    reclassified, the county's adjustment is added (SSA § 1886(d)(13)).
 *
 * What it does not do, and says: the 5% cap on a hospital's year-to-year decrease (it needs the
 * hospital's prior-year value), and any rule for a hospital we cannot place in a state.
 */

/** SSA state codes: the two-digit rural area of each state in the wage index table. */
export const SSA_STATE_CODES: Readonly<Record<string, string>> = {
  AL: '01',
  AK: '02',
  AZ: '03',
  AR: '04',
  CA: '05',
  CO: '06',
  CT: '07',
  DE: '08',
  DC: '09',
  FL: '10',
  GA: '11',
  HI: '12',
  ID: '13',
  IL: '14',
  IN: '15',
  IA: '16',
  KS: '17',
  KY: '18',
  LA: '19',
  ME: '20',
  MD: '21',
  MA: '22',
  MI: '23',
  MN: '24',
  MS: '25',
  MO: '26',
  MT: '27',
  NE: '28',
  NV: '29',
  NH: '30',
  NJ: '31',
  NM: '32',
  NY: '33',
  NC: '34',
  ND: '35',
  OH: '36',
  OK: '37',
  OR: '38',
  PA: '39',
  PR: '40',
  RI: '41',
  SC: '42',
  SD: '43',
  TN: '44',
  TX: '45',
  UT: '46',
  VT: '47',
  VI: '48',
  VA: '49',
  WA: '50',
  WV: '51',
  WI: '52',
  WY: '53',
  GU: '65',
};

/** The CMS ZIP file splits Missouri and Kansas into east and west. */
const ZIP_STATE: Readonly<Record<string, string>> = { EM: 'MO', WM: 'MO', EK: 'KS', WK: 'KS' };

/** The wage index a facility is paid on for a date, or why none can be chosen. */
export type OppsWageIndexChoice =
  | {
      readonly kind: 'found';
      /** Ten-thousandths (0.9786 → 9786), after every rule. */
      readonly value: number;
      readonly used: WageIndexUsed;
      readonly editions: readonly EditionInfo[];
      readonly steps: readonly ExplanationStep[];
      readonly notices: readonly string[];
    }
  | { readonly kind: 'none'; readonly message: string };

const index4 = (value: number): string => formatScaled(value, 4, 4);

function sourceOf(entry: { edition: EditionInfo; line: number }): SourceRow {
  return { file: entry.edition.source.file, line: entry.line, edition: entry.edition.id };
}

/** The states a CBSA's name lists ("Providence-Warwick, RI-MA" → RI, MA). */
export function statesOfCbsaName(name: string): string[] {
  const match = /(?:^|[\s,])([A-Z]{2}(?:-[A-Z]{2})*)$/.exec(name.trim());
  return match ? (match[1] as string).split('-') : [];
}

/**
 * The hospital's state: the state of its ZIP in the CMS ZIP file when that state is one the CBSA
 * spans, else the CBSA's only state.
 */
function stateOf(
  index: FeeIndex,
  facility: Facility,
  home: OppsWageIndexEntry,
  date: string,
): string | undefined {
  const named = statesOfCbsaName(home.name);
  const zipChoice = index.editionFor('zip5', date) ?? index.editions('zip5').at(-1);
  const edition = zipChoice && 'edition' in zipChoice ? zipChoice.edition : zipChoice;
  const zip = edition ? index.zip(facility.zip, edition) : undefined;
  const zipState = zip ? (ZIP_STATE[zip.state] ?? zip.state) : undefined;
  if (zipState && (named.length === 0 || named.includes(zipState))) return zipState;
  return named.length === 1 ? named[0] : undefined;
}

/**
 * The wage index an OPPS hospital is paid on for a date of service, with every rule that applied.
 *
 * @param index - the fee index (OPPS wage index editions)
 * @param facility - the facility as the bill names it (cbsa, reclassifiedCbsa, county, zip)
 * @param date - date of service, YYYY-MM-DD
 * @returns the value, the basis and why, or why none can be chosen (never a guessed area)
 * @example selectOppsWageIndex(index, { zip: '85004', cbsa: '38060' }, '2025-03-04')
 */
export function selectOppsWageIndex(index: FeeIndex, facility: Facility, date: string): OppsWageIndexChoice {
  const opps = index.opps();
  const choice = index.editionFor('opps-wage-index', date);
  if (!opps || !choice) {
    return { kind: 'none', message: `We hold no OPPS wage index table for ${date}.` };
  }
  const edition = choice.edition;
  if (facility.cbsa === undefined) {
    return {
      kind: 'none',
      message:
        "The bill does not name the hospital's CBSA: send facility.cbsa (five digits, or the two-digit state code of a rural hospital) so the rate can be wage-adjusted. We hold no ZIP to CBSA crosswalk and do not guess an area.",
    };
  }
  const home = opps.wageIndex(facility.cbsa, edition);
  if (!home) {
    return {
      kind: 'none',
      message: `CBSA ${facility.cbsa} is not in ${edition.label} (${edition.source.file}).`,
    };
  }
  const steps: ExplanationStep[] = [];
  const notices: string[] = [];
  const editions: EditionInfo[] = [edition];
  const rural = home.cbsa.length === 2;
  const candidates: { value: number; cbsa: string; basis: string; why: string }[] = [];
  if (home.geographic > 0) {
    candidates.push({
      value: home.geographic,
      cbsa: home.cbsa,
      basis: 'geographic',
      why: `the geographic wage index of ${rural ? 'rural area' : 'CBSA'} ${home.cbsa} (${home.name})`,
    });
  }
  steps.push({
    step: 'wage-index',
    text: `${edition.label}: ${rural ? 'rural area' : 'CBSA'} ${home.cbsa} (${home.name}) has a geographic wage index of ${index4(home.geographic)}.`,
    inputs: { cbsa: home.cbsa, geographic: index4(home.geographic), reclassified: index4(home.reclassified) },
    source: sourceOf(home),
    regulation: OPPS_REGULATIONS.wageAdjustment,
  });

  const state = rural ? undefined : stateOf(index, facility, home, date);
  const stateCode = state ? SSA_STATE_CODES[state] : undefined;
  const stateRow = stateCode ? opps.wageIndex(stateCode, edition) : undefined;
  if (!rural && !stateRow) {
    notices.push(
      `We could not place the hospital (CBSA ${home.cbsa}, ZIP ${facility.zip}) in one state, so no rural or imputed floor was applied.`,
    );
  }
  if (stateRow && stateRow.geographic > 0) {
    candidates.push({
      value: stateRow.geographic,
      cbsa: stateRow.cbsa,
      basis: 'rural-floor',
      why: `the rural floor: no urban hospital in ${state} is paid less than the state's rural wage index (area ${stateRow.cbsa}, ${stateRow.name})`,
    });
    steps.push({
      step: 'wage-index',
      text: `Rural floor: ${state}'s rural area ${stateRow.cbsa} has a wage index of ${index4(stateRow.geographic)}; an urban hospital in ${state} is paid no less.`,
      inputs: {
        state: state as string,
        ruralArea: stateRow.cbsa,
        ruralWageIndex: index4(stateRow.geographic),
      },
      source: sourceOf(stateRow),
      regulation: OPPS_REGULATIONS.ruralFloor,
    });
  }
  if (stateRow && stateRow.imputedFloor > 0) {
    candidates.push({
      value: stateRow.imputedFloor,
      cbsa: stateRow.cbsa,
      basis: 'imputed-floor',
      why: `the imputed floor of ${state}, a state with no rural hospitals (area ${stateRow.cbsa})`,
    });
    steps.push({
      step: 'wage-index',
      text: `Imputed floor: ${state} (area ${stateRow.cbsa}) has an imputed floor of ${index4(stateRow.imputedFloor)}; a hospital in ${state} is paid no less.`,
      inputs: { state: state as string, imputedFloor: index4(stateRow.imputedFloor) },
      source: sourceOf(stateRow),
      regulation: OPPS_REGULATIONS.imputedFloor,
    });
  }
  const reclassifiedCbsa = facility.reclassifiedCbsa;
  if (reclassifiedCbsa !== undefined) {
    const target = opps.wageIndex(reclassifiedCbsa, edition);
    if (!target) {
      notices.push(
        `The hospital's reclassification CBSA ${reclassifiedCbsa} is not in ${edition.label}: the reclassification was not applied.`,
      );
    } else {
      candidates.push({
        value: target.reclassified,
        cbsa: target.cbsa,
        basis: 'reclassified',
        why: `the hospital is reclassified to CBSA ${target.cbsa} (${target.name}), whose wage index for reclassified hospitals is ${index4(target.reclassified)}`,
      });
      steps.push({
        step: 'wage-index',
        text: `Reclassification: CBSA ${target.cbsa} (${target.name}) has a wage index of ${index4(target.reclassified)} for hospitals reclassified into it.`,
        inputs: { reclassifiedCbsa: target.cbsa, reclassified: index4(target.reclassified) },
        source: sourceOf(target),
        regulation: OPPS_REGULATIONS.reclassification,
      });
    }
  }
  // The highest value the rules give the hospital (strictly higher wins, so a tie keeps the geographic).
  let best = candidates[0];
  for (const c of candidates) if (best === undefined || c.value > best.value) best = c;
  if (best === undefined) {
    return {
      kind: 'none',
      message: `${edition.label} gives area ${home.cbsa} no wage index of its own and no floor applies to it.`,
    };
  }
  let value = best.value;
  let basis = best.basis;
  let why = `${best.why} (the highest of the values the rules give this hospital: ${candidates
    .map((c) => `${c.basis} ${index4(c.value)}`)
    .join(', ')}).`;

  if (facility.county !== undefined) {
    const outChoice = index.editionFor('opps-out-migration', date);
    const held = index.editions('opps-out-migration');
    if (reclassifiedCbsa !== undefined) {
      notices.push(
        `No out-migration adjustment: a reclassified hospital is not eligible for it (SSA § 1886(d)(13)(G)).`,
      );
    } else if (!outChoice || outChoice.pastLatest || outChoice.edition.year !== Number(date.slice(0, 4))) {
      notices.push(
        `No out-migration adjustment applied for ${date}: we hold the out-migration table for ${held.map((e) => e.year).join(', ') || 'no year'} only.`,
      );
    } else {
      const adjustment = opps.outMigration(facility.county, outChoice.edition);
      if (adjustment) {
        editions.push(adjustment.edition);
        steps.push({
          step: 'wage-index',
          text: `Out-migration: county ${adjustment.county} adds ${index4(adjustment.factor)} to the wage index: ${index4(value)} + ${index4(adjustment.factor)} = ${index4(value + adjustment.factor)}.`,
          inputs: { county: adjustment.county, adjustment: index4(adjustment.factor) },
          result: index4(value + adjustment.factor),
          source: sourceOf(adjustment),
          regulation: OPPS_REGULATIONS.outMigration,
        });
        why = `${why} Plus county ${adjustment.county}'s out-migration adjustment of ${index4(adjustment.factor)}.`;
        value += adjustment.factor;
        basis = `${basis}+out-migration`;
      }
    }
  }
  notices.push(
    "The 5% cap on a hospital's wage index decrease from the prior year is not applied: it needs the hospital's prior-year value, which the bill does not carry.",
  );
  if (edition.year === 2025) {
    // Read in a law firm's summary of the CY2025 OPPS/ASC final rule (King & Spalding, Health
    // Headlines, 2024-11-11), not in the rule itself; the 25th-percentile value is not in a file we hold.
    notices.push(
      'Not applied: the CY2025 OPPS low wage index hospital policy (a hospital whose wage index is below the 25th percentile of all hospitals is raised by half the difference to it, CY2025 OPPS/ASC final rule with comment period, Federal Register of November 27, 2024): the 25th-percentile value is not in a file we hold, so a hospital it lifts is paid a little less here than by Medicare.',
    );
  }
  return {
    kind: 'found',
    value,
    used: { value: index4(value), cbsa: best.cbsa, basis, why, edition: edition.id },
    editions,
    steps,
    notices,
  };
}
