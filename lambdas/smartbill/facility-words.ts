import type { FacilityBillInfo, FacilityLineInfo, PricedBill } from '../engine/priced-bill.js';
import { escapeHtml } from './html.js';

/**
 * Plain words for a facility bill on the SmartBill page: the bill type, the stay and its DRG, and
 * what each status or payment indicator means. The meanings are our own short wording of the CMS
 * definitions: OPPS status indicators (CY2025 OPPS final rule, Addendum D1,
 * https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/regulations-notices)
 * and ASC payment indicators (ASC Addendum DD1,
 * https://www.cms.gov/medicare/payment/prospective-payment-systems/ambulatory-surgical-center-asc).
 * Diagnoses are not shown: the page names services and amounts, not the patient's conditions.
 */

/** What an OPPS status indicator does to a line, in our words. */
const OPPS_INDICATORS: Readonly<Record<string, string>> = {
  J1: 'comprehensive service: its payment covers the other services of the claim',
  J2: 'comprehensive observation or clinic visit: may cover the other services of the claim',
  T: 'procedure: the highest paid in full, others of the claim at half',
  S: 'procedure paid on its own, without the multiple-procedure discount',
  V: 'clinic or emergency visit paid on its own',
  N: 'packaged: paid as part of another service',
  Q1: 'packaged when billed with a procedure or visit on the same day, otherwise paid',
  Q2: 'packaged when billed with a procedure on the same day, otherwise paid',
  Q3: 'packaged into a composite payment, otherwise paid',
  Q4: 'laboratory test packaged when billed with other hospital services, otherwise paid on the lab fee schedule',
  A: 'paid on another fee schedule (physician, lab or equipment)',
  G: 'drug or biological with pass-through payment, paid per unit',
  K: 'drug or biological paid per unit',
  C: 'inpatient-only procedure: not paid on an outpatient bill',
  E1: 'not covered by Medicare',
  E2: 'not covered by Medicare',
  B: 'not paid on an outpatient hospital bill (another code applies)',
  M: 'not paid to hospitals',
  D: 'discontinued code: not paid',
};

/** What an ASC payment indicator does to a line, in our words. */
const ASC_INDICATORS: Readonly<Record<string, string>> = {
  A2: 'surgical procedure paid at the ASC rate',
  G2: 'surgical procedure paid at the ASC rate (wage-adjusted)',
  P2: 'office-based procedure: the lesser of the ASC rate and the physician fee schedule amount',
  P3: 'office-based procedure: the lesser of the ASC rate and the physician fee schedule amount',
  R2: 'office-based procedure: the lesser of the ASC rate and the physician fee schedule amount',
  Z2: 'radiology service: the lesser of the ASC rate and the physician fee schedule amount',
  Z3: 'radiology service: the lesser of the ASC rate and the physician fee schedule amount',
  J8: 'device-intensive procedure: the device portion is not wage-adjusted',
  N1: 'packaged: paid as part of the procedure',
  K2: 'drug or biological paid separately',
};

const BILL_TYPES: Readonly<Record<string, string>> = {
  outpatient: 'Hospital outpatient bill',
  asc: 'Ambulatory surgery centre bill',
  inpatient: 'Inpatient hospital stay',
};

/**
 * The indicator of a facility line in plain words, for the line's facts.
 *
 * @param info - the line's facility block
 * @returns "J1: comprehensive service: …", or undefined when the line has no indicator
 */
export function indicatorWords(info: FacilityLineInfo): string | undefined {
  if (info.indicator === null) return undefined;
  const words =
    info.method === 'asc'
      ? ASC_INDICATORS[info.indicator]
      : info.indicator === 'DRG'
        ? "paid as part of the stay's DRG payment"
        : OPPS_INDICATORS[info.indicator];
  return `${info.indicator}${words ? `: ${words}` : ''}`;
}

/**
 * A facility line's facts beyond a professional line's: revenue code, indicator, APC, wage index,
 * what packaged it and a state's percentage.
 *
 * @param info - the line's facility block
 * @returns label, HTML value and field name rows
 */
export function facilityLineRows(info: FacilityLineInfo): [string, string, string][] {
  const rows: [string, string, string][] = [
    [
      'Revenue code',
      info.revenueCode === null ? 'None (a CMS-1500 from a centre)' : escapeHtml(info.revenueCode),
      'revenueCode',
    ],
  ];
  const indicator = indicatorWords(info);
  if (indicator !== undefined)
    rows.push([
      info.method === 'asc' ? 'Payment indicator' : 'Status indicator',
      escapeHtml(indicator),
      'indicator',
    ]);
  if (info.apc !== null) rows.push(['APC', escapeHtml(info.apc), 'apc']);
  if (info.wageIndex !== null) {
    rows.push([
      'Wage index',
      `${escapeHtml(info.wageIndex.value)} (area ${escapeHtml(info.wageIndex.cbsa)}): ${escapeHtml(info.wageIndex.why)}`,
      'wageIndex',
    ]);
  }
  if (info.packagedInto !== null)
    rows.push(['Paid as part of', `line ${escapeHtml(info.packagedInto)}`, 'packagedInto']);
  if (info.factor !== null) {
    const percent = (Number(info.factor.value) * 100).toFixed(0);
    rows.push([
      'State percentage',
      `${percent}% of the Medicare amount (${escapeHtml(info.factor.source.citation)})`,
      'factor',
    ]);
  }
  return rows;
}

/**
 * The bill-level facts of a facility bill: its type, the facility, the stay and its DRG.
 *
 * @param info - the bill's facility block
 * @param billType - the priced bill's type
 * @returns label and HTML value rows
 */
export function facilityBillRows(
  info: FacilityBillInfo,
  billType: PricedBill['billType'],
): [string, string][] {
  const rows: [string, string][] = [['Bill type', escapeHtml(BILL_TYPES[billType] ?? billType)]];
  if (info.typeOfBill !== null) rows.push(['Type of bill', escapeHtml(info.typeOfBill)]);
  if (info.facility.npi) rows.push(['Facility NPI', escapeHtml(info.facility.npi)]);
  if (info.facility.ccn) rows.push(['Facility CCN', escapeHtml(info.facility.ccn)]);
  if (info.facility.cbsa) rows.push(['Facility wage area (CBSA)', escapeHtml(info.facility.cbsa)]);
  if (info.admissionDate !== null || info.dischargeDate !== null) {
    rows.push([
      'Stay',
      `${escapeHtml(info.admissionDate ?? 'not given')} to ${escapeHtml(info.dischargeDate ?? 'not given')}`,
    ]);
  }
  if (info.dischargeStatus !== null) rows.push(['Discharge status', escapeHtml(info.dischargeStatus)]);
  if (info.drg !== null) rows.push(['MS-DRG', `${escapeHtml(info.drg)}: ${escapeHtml(info.grouping)}`]);
  return rows;
}
