/**
 * Three-digit ZIP prefixes whose geographic units hold 20,000 people or fewer (2000 Census), which
 * § 164.514(b)(2)(i)(B)(2) requires to be replaced by "000". The list is HHS's: "Guidance Regarding
 * Methods for De-identification of Protected Health Information in Accordance with the HIPAA
 * Privacy Rule" (OCR, November 26, 2012), § 3.4, "Which geographic units may be reported…".
 * The guidance asks for the current Census where it differs; the Recon export takes
 * another set (`restrictedZip3`) when one is published. The Recon export (app/recon/deidentify.ts)
 * and the analytics records (app/analytics/records.ts) both use it.
 */
export const SAFE_HARBOR_RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);
