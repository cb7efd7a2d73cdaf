/**
 * The records of the inpatient (IPPS) data sets and of a state's facility tables, as the index
 * keeps them (issue 16). As elsewhere, numbers stay decimal strings exactly as the file printed
 * them and every record keeps its physical line. DRG titles (the pricer's 26-character
 * `description`) and HCPCS descriptors are not kept.
 */

/** A row of the CMS IPPS pricer's MS-DRG table (`drgstable-YYYY.csv`). */
export interface IppsDrgRecord {
  /** Three digits ("470"). */
  readonly drg: string;
  /** "1.9289". */
  readonly weight: string;
  /** Geometric mean length of stay, "1.9". */
  readonly gmlos: string;
  /** Arithmetic mean length of stay, "2.2". */
  readonly amlos: string;
  /**
   * The file's flags as printed, "Y" or '' (strings, not booleans, so the sample's CSV reads them
   * back unchanged): postAcuteCare, specialPaymentPostAcuteCare, lowVolumeDrg.
   */
  readonly postAcute: string;
  readonly specialPay: string;
  readonly lowVolume: string;
  readonly line: number;
}

/** A row of the CMS IPPS pricer's standardized amount table (`ratex-YYYY.csv`). */
export interface IppsRateRecord {
  /** "1"–"10" ("tab1" → "1"). */
  readonly table: string;
  /** "nat", "pr" or "natpr". */
  readonly scope: string;
  /** "1" or "2" as printed. */
  readonly largeUrban: string;
  /** Labor-related share in dollars, as printed without its zero padding ("4456.72"). */
  readonly labor: string;
  readonly nonLabor: string;
  readonly line: number;
}

/** A row of the CMS IPPS pricer's wage index table (`cbsa-wage-index-YYYY.csv`). */
export interface IppsWageIndexRecord {
  /** "38060" (CBSA) or "03" (state rural area). */
  readonly area: string;
  readonly geographic: string;
  readonly reclassified: string;
  readonly imputedFloor: string;
  /** The area's name as the file prints it ("Phoenix-Mesa-Chandler, AZ", "ARIZONA"). */
  readonly name: string;
  readonly line: number;
}

/** A state's inpatient MS-DRG amount, as the index keeps it. */
export interface StateDrgRow {
  readonly state: string;
  readonly drg: string;
  /** Two decimals; '' for "NA". */
  readonly amount: string;
  readonly file: string;
  readonly line: number;
}

/** A state's outpatient/ASC row for one code + modifier, as the index keeps it ('' when none). */
export interface StateFacilityRow {
  readonly state: string;
  readonly code: string;
  readonly modifier: string;
  readonly apc: string;
  readonly outpatientMar: string;
  readonly statusIndicator: string;
  readonly ascMar: string;
  readonly paymentIndicator: string;
  readonly file: string;
  readonly line: number;
}
