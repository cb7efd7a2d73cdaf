/**
 * Whether a text is an NPI: ten digits whose last is the Luhn check digit over the card issuer
 * prefix 80840 and the first nine (45 CFR 162.406; CMS, "Requirements for NPI check digit").
 * Shared by the analytics records (which drop anything else typed into an NPI field) and the
 * supplied contracts' provider lists (which refuse it), so both read one rule.
 *
 * @param npi - the text
 * @returns true for a well-formed NPI
 * @example isNpi('1234567893') // true: CMS's worked example
 */
export function isNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  // 80840 contributes 24 to the Luhn sum of the nine digits with the prefix (CMS's worked example).
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let digit = npi.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10 === npi.charCodeAt(9) - 48;
}
