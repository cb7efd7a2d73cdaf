import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex, IppsWageIndexEntry } from '../../fee-index/reader.js';
import { formatScaled } from '../money.js';
import type { ExplanationStep, UnpricedReason } from '../priced-bill.js';
import type { Facility, WageIndexUsed } from './types.js';

/**
 * Which IPPS wage index a hospital is paid on. The pricer's table holds each area's value before
 * the national adjustments; the rules applied here:
 *
 * - **Reclassification** (MGCRB, 42 CFR 412.230 ff., or urban-to-rural under § 412.103), when the
 *   bill names the area the hospital is reclassified to: the table's reclassified value of that area.
 * - **Rural floor**: an urban hospital's wage index is not below its state's rural wage index
 *   (section 4410 of the Balanced Budget Act of 1997, Pub. L. 105-33; 42 CFR 412.64(h)).
 * - **Imputed floor** for all-urban states (New Jersey, Rhode Island, the District of Columbia; the
 *   table also gives Puerto Rico one): § 1886(d)(3)(E)(iv) of the Act, added by § 9831 of the
 *   American Rescue Plan Act of 2021, applied as a floor like the rural one.
 *
 * Not applied, and said on the answer: the out-migration adjustment (no IPPS table held), the cap
 * on a hospital's wage index decrease (42 CFR 412.64(h)(7): needs its prior-year value), and the
 * FY2026 transitional policy for hospitals that lost the low wage index policy.
 */

const STATE_NAMES: Readonly<Record<string, string>> = {
  AL: 'ALABAMA',
  AK: 'ALASKA',
  AZ: 'ARIZONA',
  AR: 'ARKANSAS',
  CA: 'CALIFORNIA',
  CO: 'COLORADO',
  CT: 'CONNECTICUT',
  DE: 'DELAWARE',
  DC: 'DISTRICT OF COLUMBIA',
  FL: 'FLORIDA',
  GA: 'GEORGIA',
  HI: 'HAWAII',
  ID: 'IDAHO',
  IL: 'ILLINOIS',
  IN: 'INDIANA',
  IA: 'IOWA',
  KS: 'KANSAS',
  KY: 'KENTUCKY',
  LA: 'LOUISIANA',
  ME: 'MAINE',
  MD: 'MARYLAND',
  MA: 'MASSACHUSETTS',
  MI: 'MICHIGAN',
  MN: 'MINNESOTA',
  MS: 'MISSISSIPPI',
  MO: 'MISSOURI',
  MT: 'MONTANA',
  NE: 'NEBRASKA',
  NV: 'NEVADA',
  NH: 'NEW HAMPSHIRE',
  NJ: 'NEW JERSEY',
  NM: 'NEW MEXICO',
  NY: 'NEW YORK',
  NC: 'NORTH CAROLINA',
  ND: 'NORTH DAKOTA',
  OH: 'OHIO',
  OK: 'OKLAHOMA',
  OR: 'OREGON',
  PA: 'PENNSYLVANIA',
  PR: 'PUERTO RICO',
  RI: 'RHODE ISLAND',
  SC: 'SOUTH CAROLINA',
  SD: 'SOUTH DAKOTA',
  TN: 'TENNESSEE',
  TX: 'TEXAS',
  UT: 'UTAH',
  VT: 'VERMONT',
  VA: 'VIRGINIA',
  WA: 'WASHINGTON',
  WV: 'WEST VIRGINIA',
  WI: 'WISCONSIN',
  WY: 'WYOMING',
};

const RURAL_FLOOR = {
  citation:
    'Balanced Budget Act of 1997 (Pub. L. 105-33) § 4410 (rural floor); 42 CFR 412.64(h) (wage index adjustments)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412/subpart-D/section-412.64',
};
const IMPUTED_FLOOR = {
  citation:
    'Social Security Act § 1886(d)(3)(E)(iv) (imputed floor for all-urban states, added by the American Rescue Plan Act of 2021 § 9831)',
  url: 'https://www.ssa.gov/OP_Home/ssact/title18/1886.htm',
};
const RECLASSIFICATION = {
  citation:
    'Social Security Act § 1886(d)(10) and 42 CFR 412.230 ff. (MGCRB reclassification); 42 CFR 412.103 (urban to rural)',
  url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412/subpart-L',
};

/** The wage index chosen, the steps that chose it, and what was not applied. */
export type IppsWageIndexChoice =
  | {
      readonly ok: true;
      /** Ten-thousandths. */
      readonly value: number;
      readonly used: WageIndexUsed;
      readonly steps: readonly ExplanationStep[];
      readonly notices: readonly string[];
    }
  | { readonly ok: false; readonly unpriced: UnpricedReason };

const wi = (value: number) => formatScaled(value, 4, 4);

function source(entry: IppsWageIndexEntry) {
  return { file: entry.edition.source.file, line: entry.line, edition: entry.edition.id };
}

/** The hospital's state: from its ZIP (the ZIP5 crosswalk), else from a one-state CBSA name ("Birmingham, AL"). */
function stateOf(
  index: FeeIndex,
  facility: Facility,
  area: IppsWageIndexEntry,
  date: string,
): string | undefined {
  const zipEdition = index.editionFor('zip5', date)?.edition ?? index.editions('zip5').at(-1);
  const fromZip = zipEdition ? index.zip(facility.zip.slice(0, 5), zipEdition)?.state : undefined;
  if (fromZip) return fromZip;
  const states = /,\s*([A-Z]{2}(?:-[A-Z]{2})*)$/.exec(area.name)?.[1]?.split('-') ?? [];
  return states.length === 1 ? states[0] : undefined;
}

/**
 * Chooses the IPPS wage index of a hospital for a discharge.
 *
 * @param index - the fee index
 * @param edition - the `ipps-wage-index` edition of the discharge's fiscal year
 * @param facility - the bill's facility (its CBSA, reclassification and ZIP)
 * @param date - the discharge date (for the ZIP crosswalk)
 * @returns the value (ten-thousandths) with its steps, or why there is none
 */
export function ippsWageIndex(
  index: FeeIndex,
  edition: EditionInfo,
  facility: Facility,
  date: string,
): IppsWageIndexChoice {
  if (!facility.cbsa) {
    return {
      ok: false,
      unpriced: {
        code: 'NO-LOCALITY',
        message:
          'The bill names no CBSA for the hospital (facility.cbsa) and we hold no ZIP-to-CBSA crosswalk, so the wage index cannot be chosen: send the CBSA (or state rural area) the hospital is paid in.',
      },
    };
  }
  const home = index.ippsWageIndex(facility.cbsa, edition);
  if (!home) {
    return {
      ok: false,
      unpriced: {
        code: 'NOT-IN-EDITION',
        message: `Area ${facility.cbsa} is not in the ${edition.label}.`,
      },
    };
  }
  const notices: string[] = [];
  if (facility.county) {
    notices.push(
      `The out-migration adjustment for county ${facility.county} is not applied: no IPPS out-migration table is held.`,
    );
  }
  notices.push(
    "Not applied: the cap on a wage index decrease (42 CFR 412.64(h)(7), which needs the hospital's prior-year wage index) and the FY2026 transitional adjustment for hospitals that had the low wage index policy.",
  );
  if (facility.reclassifiedCbsa) {
    const to = index.ippsWageIndex(facility.reclassifiedCbsa, edition);
    if (!to) {
      return {
        ok: false,
        unpriced: {
          code: 'NOT-IN-EDITION',
          message: `The reclassified area ${facility.reclassifiedCbsa} is not in the ${edition.label}.`,
        },
      };
    }
    const why = `The bill says the hospital is reclassified to ${to.area} (${to.name}): paid on that area's reclassified wage index.`;
    return {
      ok: true,
      value: to.reclassified,
      used: { value: wi(to.reclassified), cbsa: to.area, basis: 'reclassified', why, edition: edition.id },
      steps: [
        {
          step: 'wage-index',
          text: why,
          inputs: { area: to.area, reclassifiedWageIndex: wi(to.reclassified), homeArea: home.area },
          result: wi(to.reclassified),
          source: source(to),
          regulation: RECLASSIFICATION,
        },
      ],
      notices,
    };
  }
  const geographic: ExplanationStep = {
    step: 'wage-index',
    text: `Geographic wage index of ${home.area} (${home.name}).`,
    inputs: { area: home.area, geographicWageIndex: wi(home.geographic) },
    result: wi(home.geographic),
    source: source(home),
  };
  const used = (value: number, basis: string, why: string, area = home.area): WageIndexUsed => ({
    value: wi(value),
    cbsa: area,
    basis,
    why,
    edition: edition.id,
  });
  if (home.area.length === 2) {
    const why = `The hospital is in ${home.name}'s rural area: its geographic wage index.`;
    return {
      ok: true,
      value: home.geographic,
      used: used(home.geographic, 'geographic', why),
      steps: [geographic],
      notices,
    };
  }
  const state = stateOf(index, facility, home, date);
  const stateName = state ? STATE_NAMES[state] : undefined;
  const rural = stateName ? index.ippsRuralAreas(edition).find((a) => a.name === stateName) : undefined;
  if (!rural) {
    notices.push(
      `The rural and imputed floors are not applied: the hospital's state could not be told from ZIP ${facility.zip.slice(0, 5)} or the name of ${home.area}.`,
    );
    const why = `Geographic wage index of ${home.area}; no floor checked (state unknown).`;
    return {
      ok: true,
      value: home.geographic,
      used: used(home.geographic, 'geographic', why),
      steps: [geographic],
      notices,
    };
  }
  const floor = Math.max(rural.geographic, rural.imputedFloor);
  const floorKind = rural.imputedFloor > rural.geographic ? 'imputed-floor' : 'rural-floor';
  const floorStep: ExplanationStep = {
    step: 'wage-index-floor',
    text:
      floorKind === 'imputed-floor'
        ? `${rural.name} has an imputed floor of ${wi(rural.imputedFloor)}; an urban hospital there is paid no less.`
        : `${rural.name}'s rural wage index is ${wi(rural.geographic)}; an urban hospital there is paid no less (rural floor).`,
    inputs: {
      state: state as string,
      ruralArea: rural.area,
      ruralWageIndex: wi(rural.geographic),
      imputedFloor: wi(rural.imputedFloor),
      geographicWageIndex: wi(home.geographic),
    },
    result: wi(Math.max(floor, home.geographic)),
    source: source(rural),
    regulation: floorKind === 'imputed-floor' ? IMPUTED_FLOOR : RURAL_FLOOR,
  };
  if (floor > home.geographic) {
    const why = `${home.area}'s geographic wage index ${wi(home.geographic)} is below ${rural.name}'s ${floorKind === 'imputed-floor' ? 'imputed floor' : 'rural wage index'} ${wi(floor)}: paid on the floor (${(floorKind === 'imputed-floor' ? IMPUTED_FLOOR : RURAL_FLOOR).citation}).`;
    return {
      ok: true,
      value: floor,
      used: used(floor, floorKind, why, rural.area),
      steps: [geographic, floorStep],
      notices,
    };
  }
  const why = `Geographic wage index of ${home.area} (${wi(home.geographic)}), not below ${rural.name}'s floor ${wi(floor)}.`;
  return {
    ok: true,
    value: home.geographic,
    used: used(home.geographic, 'geographic', why),
    steps: [geographic, floorStep],
    notices,
  };
}
