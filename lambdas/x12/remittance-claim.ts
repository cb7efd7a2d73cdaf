import type { PricedBill } from '../engine/priced-bill.js';

/**
 * What an 835 says about a claim beyond its priced bill: the identifiers and names the payer's
 * remittance must carry back to the provider. Read from an 837 claim (read-837.ts) or from a JSON
 * bill's own fields. Everything here about the patient is PHI: it is written into the 835 the
 * client asked for and nowhere else (never logged, never stored outside Recon).
 */
export interface RemittanceClaim {
  /** CLM01, the provider's patient control number; the 835 repeats it in CLP01. */
  readonly patientControlNumber: string;
  /** REF*Y4 in the 837, the property and casualty claim number; the 835's CLP07 (the payer's claim). */
  readonly claimNumber?: string;
  /** SBR09 claim filing indicator, "WC" on a workers' compensation claim; the 835's CLP06. */
  readonly claimFilingIndicator?: string;
  /** CLM05-1: place of service (professional) or facility type code (institutional); CLP08. */
  readonly facilityCode?: string;
  /** CLM05-3, claim frequency type code; CLP09. */
  readonly frequencyCode?: string;
  /**
   * REF*9F in 2300, the referral number, passed through: our bill has no referral and no review
   * rule reads one (decision 017), so it is not treated as a prior authorisation.
   */
  readonly referralNumber?: string;
  /** The patient as the 837 names them (2010CA, or 2010BA when the patient is the subscriber); NM1*QC. */
  readonly patient?: {
    readonly lastName?: string;
    readonly firstName?: string;
    readonly middleName?: string;
    /** NM109 with NM108 "MI": the member or claimant id the 837 sent. */
    readonly memberId?: string;
  };
  /** The priced bill, at any explanation level (the 835 reads amounts, codes and dates only). */
  readonly priced: PricedBill;
}

/** A postal address as an 837 N3/N4 carries it (and an 835 N3/N4 repeats it). */
export interface PostalAddress {
  readonly lines: readonly string[];
  readonly city?: string;
  readonly state?: string;
  readonly zip?: string;
}

/** Who pays (N1*PR) and who is paid (N1*PE), as the 837 named them (NM1*PR, NM1*85). */
export interface RemittanceParties {
  readonly payer: { readonly name: string; readonly id?: string; readonly address?: PostalAddress };
  readonly payee: {
    readonly name: string;
    readonly npi?: string;
    readonly taxId?: string;
    readonly address?: PostalAddress;
  };
}

/**
 * The payment an 835 reports (BPR, TRN), from the request's payment details. Without them the
 * answer is review-only: BPR01 "H" (notification only), amount 0.00, payment method "NON", and a
 * trace number generated from the request id.
 */
export interface PaymentDetails {
  /** BPR04: ACH, CHK (cheque), FWT (wire), BOP (financial institution option), NON (no payment). */
  readonly method: 'ACH' | 'CHK' | 'FWT' | 'BOP' | 'NON';
  /** TRN02: the cheque or EFT trace number. */
  readonly traceNumber: string;
  /** BPR16: the payment (or cheque issue) date, YYYY-MM-DD. */
  readonly date: string;
  /** TRN03: "1" followed by the payer's EIN, ten characters. */
  readonly originatorId?: string;
}
