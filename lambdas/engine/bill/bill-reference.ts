import * as v from 'valibot';

/**
 * Two bill fields that reach the SmartBill page, which sits outside Recon and so may hold no PHI
 * (docs/decisions/009-smartbill-online-gate.md): the bill's own reference, and the payer's contact
 * and appeal instructions. `billId` is not shown there because a customer's bill id may hold a
 * claim number; `billReference` is a separate field declared non-PHI, and checked as far as a
 * format can check it.
 */

/** At most 30 characters: letters and digits first, then letters, digits, space and `. _ / # -`. */
export const BILL_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._/#-]{0,29}$/;

const SSN = /(?<!\d)\d{3}[- ]?\d{2}[- ]?\d{4}(?!\d)/;
const SEPARATED_DATE = /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}/;
const EIGHT_DIGITS = /(?<!\d)(\d{8})(?!\d)/g;
const LONG_DIGIT_RUN = /\d{9,}/;

function isDate(year: number, month: number, day: number): boolean {
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** "19800214" or "02141980": eight digits that read as a date either way round. */
function holdsCompactDate(text: string): boolean {
  for (const [, digits = ''] of text.matchAll(EIGHT_DIGITS)) {
    const n = (from: number, to: number): number => Number(digits.slice(from, to));
    if (isDate(n(0, 4), n(4, 6), n(6, 8)) || isDate(n(4, 8), n(0, 2), n(2, 4))) return true;
  }
  return false;
}

/**
 * Why a bill reference cannot be taken, or undefined when it can. Beyond the alphabet, it refuses
 * what most often carries PHI into a free reference: a Social Security number's shape, a date
 * (a birth date is PHI; YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD, MMDDYYYY) and a run of nine or more
 * digits (member, claim and account numbers are usually such runs). A format cannot recognise every
 * identifier, so the field is also declared non-PHI in the API's description.
 *
 * @param reference - the reference, trimmed
 * @returns the field error's message, or undefined
 */
export function billReferenceProblem(reference: string): string | undefined {
  if (reference.length > 30) return 'must be at most 30 characters';
  if (!BILL_REFERENCE_PATTERN.test(reference)) {
    return 'must start with a letter or digit and hold only letters, digits, spaces and . _ / # -';
  }
  if (SSN.test(reference)) return 'looks like a Social Security number: a bill reference must not hold PHI';
  if (SEPARATED_DATE.test(reference) || holdsCompactDate(reference)) {
    return 'looks like a date (a birth date is PHI): a bill reference must not hold dates';
  }
  if (LONG_DIGIT_RUN.test(reference)) {
    return 'holds a run of 9 or more digits, as member, claim and account numbers do: a bill reference must not hold PHI';
  }
  return undefined;
}

/** `billReference` of both bill shapes and both claim shapes. */
export const billReference = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = billReferenceProblem(dataset.value);
    if (problem !== undefined) addIssue({ message: problem });
  }),
  v.description(
    "The bill's own reference, shown on the SmartBill page so the provider can name the bill when they call. It must not hold PHI (no claim, member, account or Social Security number, no name, no date): the page is outside Recon. At most 30 characters, starting with a letter or digit, then letters, digits, spaces and . _ / # -; refused (422) when it looks like a Social Security number, holds a date (YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD, MMDDYYYY) or a run of 9 or more digits. Never logged.",
  ),
);

/** One line of text: no control characters. */
const LINE = /^[^\p{Cc}]*$/u;
/** Text of several lines: no control characters other than line breaks and tabs. */
const LINES = /^(?:[^\p{Cc}]|[\n\r\t])*$/u;

const oneLine = (max: number) =>
  v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.regex(LINE, 'must be one line without control characters'),
  );

/** A phone number as people write it: digits, `+ ( ) . -` and spaces, and an extension. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ().-]{5,23}(?: ?(?:x|ext\.?) ?\d{1,6})?$/i;

/** Fields of the payer's contact, shared by the bill's `payer.contact` and a tenant's settings. */
export const PAYER_CONTACT_FIELDS = {
  phone: v.pipe(
    oneLine(40),
    v.regex(
      PHONE_PATTERN,
      'must be a phone number: digits, + ( ) . - and spaces, and "ext" or "x" for an extension',
    ),
    v.description('The phone number a provider calls with questions about this bill.'),
  ),
  email: v.pipe(
    oneLine(254),
    v.email('must be an email address'),
    v.description('The email address a provider writes to about this bill.'),
  ),
  mailingAddress: v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(300, 'must be at most 300 characters'),
    v.regex(LINES, 'must be text without control characters'),
    v.description("Where a written appeal is mailed: the payer's address (an organisation's, not PHI)."),
  ),
  appealInstructions: v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(1000, 'must be at most 1000 characters'),
    v.regex(LINES, 'must be text without control characters'),
    v.description(
      'How to ask for a reconsideration or appeal, in plain words (for example "Within 90 days of this notice, send a written request naming the line numbers."); shown as text, never as markup.',
    ),
  ),
  appealUrl: v.pipe(
    oneLine(500),
    v.url('must be an absolute URL'),
    v.check((url) => {
      try {
        return new URL(url).protocol === 'https:';
      } catch {
        return false;
      }
    }, 'must be an https URL'),
    v.description("The payer's page for reconsiderations or appeals (https only)."),
  ),
} as const;

/** The payer's contact on a bill. */
export const payerContact = v.pipe(
  v.strictObject(
    {
      phone: v.optional(PAYER_CONTACT_FIELDS.phone),
      email: v.optional(PAYER_CONTACT_FIELDS.email),
      mailingAddress: v.optional(PAYER_CONTACT_FIELDS.mailingAddress),
      appealInstructions: v.optional(PAYER_CONTACT_FIELDS.appealInstructions),
      appealUrl: v.optional(PAYER_CONTACT_FIELDS.appealUrl),
    },
    'must be an object with phone, email, mailingAddress, appealInstructions and appealUrl only',
  ),
  v.description(
    "The payer's contact and appeal instructions, shown on the SmartBill page. Each field given here wins over the same field of the tenant's SmartBill settings.",
  ),
);

/** The payer's contact and appeal instructions, as the bill or a tenant's settings give them. */
export interface PayerContact {
  readonly phone?: string;
  readonly email?: string;
  readonly mailingAddress?: string;
  readonly appealInstructions?: string;
  readonly appealUrl?: string;
}
