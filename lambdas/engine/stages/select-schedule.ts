import type { FeeIndex } from '../../fee-index/reader.js';
import { REGULATIONS, type Regulation } from '../adjustments/reason-codes.js';
import type { NormalisedBill } from '../bill/normalise.js';
import { BillValidationError, type FieldError } from '../errors.js';
import { knownCode } from '../fee-schedules/jurisdiction-pricing.js';
import { localityOfZip, type ZipLocality } from '../fee-schedules/locality.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { ZERO_CENTS } from '../money.js';
import type { ProfessionalWork } from './professional-work.js';
import { NO_EXTERNAL_VALUES } from './values.js';

/**
 * The select-schedule stage: whose fee schedule prices the bill (the jurisdiction) and, for a
 * professional bill, where each date of service is placed (the Medicare locality of the ZIP on that
 * date, which also picks the edition). Everything that makes a bill unpriceable as a whole is a
 * field error here, all of them at once, before any line is priced.
 */

/**
 * The bill's jurisdiction, or the field error that says it is not one we know.
 *
 * @param index - the fee index (it carries the jurisdiction files)
 * @param id - the bill's `jurisdiction` as sent
 * @returns the jurisdiction, or a field error on `jurisdiction`
 */
export function selectJurisdiction(
  index: FeeIndex,
  id: string,
): { jurisdiction: Jurisdiction; error?: undefined } | { jurisdiction?: undefined; error: FieldError } {
  const jurisdiction = index.jurisdiction(id);
  if (jurisdiction !== undefined) return { jurisdiction };
  return {
    error: {
      field: 'jurisdiction',
      errorMessage: `${id} is not a jurisdiction we know; use a state code, DC, US-OWCP or US-MEDICARE (GET /v1/jurisdictions lists them)`,
    },
  };
}

/**
 * The rule behind paying the lesser of billed and fee: Medicare's for Medicare, the jurisdiction's
 * own where its file sources one, and otherwise Medicare's rule said to be applied as such.
 *
 * @param j - the bill's jurisdiction
 * @returns the regulation the lesser-of step and adjustment cite
 */
export function lesserOfRegulation(j: Jurisdiction): Regulation {
  if (j.id === 'US-MEDICARE') return REGULATIONS.lesserOf;
  const own = j.lesserOfBilled;
  if (own?.value) return { citation: own.source.citation, url: own.source.url ?? REGULATIONS.lesserOf.url };
  return {
    citation: `${j.name}: the lesser of billed and the fee schedule amount; the sources we hold do not state ${j.name}'s own rule, so it is applied as Medicare applies it (42 CFR § 414.21)`,
    url: REGULATIONS.lesserOf.url,
  };
}

/** A professional bill's schedule: its jurisdiction, its ZIP, and a working line a bill line. */
export interface ProfessionalSchedule {
  readonly jurisdiction: Jurisdiction;
  readonly zip: NonNullable<NormalisedBill['zip']>;
  readonly work: ProfessionalWork[];
}

/**
 * Selects a professional bill's schedule: the jurisdiction, the ZIP that places it, each line's
 * locality on its date of service, and that every code is in some edition we hold.
 *
 * @param index - the fee index
 * @param bill - from `normaliseBill`
 * @returns the jurisdiction, ZIP and one working line a bill line, not yet priced
 * @throws BillValidationError with every field error when the bill cannot be priced at all
 */
export function selectProfessionalSchedule(index: FeeIndex, bill: NormalisedBill): ProfessionalSchedule {
  const errors: FieldError[] = [];
  const { jurisdiction, error } = selectJurisdiction(index, bill.jurisdiction);
  if (error) errors.push(error);
  if (!bill.zip) {
    errors.push({
      field:
        bill.format === 'bill'
          ? 'serviceFacility.zip'
          : 'claimInformation.serviceFacilityLocation.address.postalCode',
      errorMessage:
        'a ZIP code of the service facility (or of the billing provider) is needed to find the locality',
    });
  }
  for (const line of bill.lines) {
    if (!line.drug && !knownCode(index, jurisdiction, line.code)) {
      errors.push({
        field: line.codeField,
        errorMessage: `${line.code} is not a code in any fee schedule edition we hold`,
      });
    }
  }
  const zip = bill.zip;
  const placements = new Map<string, ZipLocality>();
  const work: ProfessionalWork[] = [];
  if (zip) {
    for (const line of bill.lines) {
      let placement = placements.get(line.dateOfService);
      if (!placement) {
        placement = localityOfZip(index, zip.zip, line.dateOfService);
        placements.set(line.dateOfService, placement);
        if (placement.kind === 'unknown-zip' && !errors.some((e) => e.field === zip.field)) {
          errors.push({ field: zip.field, errorMessage: placement.message });
        }
      }
      work.push({
        line,
        placement,
        result: { kind: 'unpriced', reason: { code: 'NO-LOCALITY', message: '' }, steps: [], notices: [] },
        allowed: ZERO_CENTS,
        reductions: [],
        ruleDecisions: [],
        ruleTrace: [],
        // Every working line has every field from the start: one object shape.
        query: undefined,
        bilateral: undefined,
        indicators: undefined,
        values: NO_EXTERNAL_VALUES,
        exclusive: undefined,
        before: undefined,
      });
    }
  }
  if (errors.length > 0) throw new BillValidationError('The bill cannot be priced as sent.', errors);
  return {
    jurisdiction: jurisdiction as Jurisdiction,
    zip: zip as NonNullable<typeof zip>,
    work,
  };
}
