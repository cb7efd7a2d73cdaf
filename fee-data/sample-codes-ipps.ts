import type { DatasetKind } from './import/records.js';
import { SAMPLE_CODES } from './sample-codes.js';

/**
 * What `fee-data/sample/` keeps of the inpatient (IPPS) and state facility data sets (issue 16):
 * the MS-DRGs the tests and examples use (hip and knee replacement 470, 469, 521, shoulder 483,
 * spinal fusion 453–455, 460, the transfer examples 956 and 957, Georgia's "NA" 999), every row of
 * the small IPPS rate and wage index tables (an example may name any CBSA), and Georgia's
 * outpatient/ASC rows of the sample's codes plus a few facility-only ones.
 */
export const SAMPLE_DRGS: ReadonlySet<string> = new Set([
  '453',
  '454',
  '455',
  '460',
  '469',
  '470',
  '483',
  '521',
  '956',
  '957',
  '999',
]);

/** Facility codes the sample keeps beyond SAMPLE_CODES (Georgia outpatient rows: status C, Q1, N, J8, J2). */
export const FACILITY_SAMPLE_CODES: readonly string[] = [
  '11004',
  '12002',
  '22554',
  '29826',
  '96372',
  'C1713',
  'G0463',
];

const FACILITY_CODES = new Set([...SAMPLE_CODES, ...FACILITY_SAMPLE_CODES]);

/**
 * Whether the sample keeps a record of an IPPS or state facility data set; undefined for the other
 * data sets (the sample's code rule decides those).
 *
 * @param dataset - the record's data set
 * @param record - an imported record
 */
export function keepIppsSampleRecord(dataset: DatasetKind, record: object): boolean | undefined {
  switch (dataset) {
    case 'ipps-drg':
    case 'state-drg':
      return SAMPLE_DRGS.has((record as { drg: string }).drg);
    case 'ipps-rates':
    case 'ipps-wage-index':
      return true;
    case 'state-facility':
      return FACILITY_CODES.has((record as { code: string }).code);
    default:
      return undefined;
  }
}
