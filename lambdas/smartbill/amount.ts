/**
 * The verification amount: what a viewer types to open a SmartBill, and the one canonical form the
 * key is derived from. The page's inline script runs the same steps (see `AMOUNT_NORMALISER_JS`),
 * and the browser test runs both against one table of cases.
 *
 * Accepted (decided for issue 7): an optional "$", then dollars written either as plain digits
 * ("13667") or with commas as thousands separators in groups of three ("13,667"), then either
 * nothing or a point and exactly two digits of cents. Space around the amount and between "$" and
 * the digits is ignored; leading zeros of plain digits are dropped. Rejected: one or three decimals
 * ("13667.2", "13667.234": a bill prints its total in dollars and cents, so a short or long
 * fraction is more likely a typo than a different way of writing the same number), commas anywhere
 * but every three digits ("1,3667.23", European "13.667,23"), signs, letters, and more than 12
 * digits of dollars. Which forms are accepted does not change what an attacker must guess: the key
 * depends only on the amount's value.
 */

/**
 * The grammar of a typed amount, after trimming: group 1 is the dollars, group 2 the cents. Its
 * `source` is embedded in the page so the browser matches exactly the same strings.
 */
export const AMOUNT_PATTERN = /^\$?\s*([1-9]\d{0,2}(?:,\d{3})+|\d{1,12})(?:\.(\d{2}))?$/;

/** At most this many digits of dollars (a trillion-dollar bill is a typo). */
const MAX_DOLLAR_DIGITS = 12;

/**
 * Normalises an amount as a person types it to the canonical form the key is derived from.
 *
 * @param text - what was typed, for example "$13,667.23"
 * @returns the amount as digits, a point and two decimals ("13667.23"), or null when it is not a
 *   dollar amount we accept
 * @example normaliseTypedAmount(' $13,667.23 ') // "13667.23"
 */
export function normaliseTypedAmount(text: string): string | null {
  const match = AMOUNT_PATTERN.exec(text.trim());
  if (match === null) return null;
  const dollars = (match[1] ?? '').replaceAll(',', '').replace(/^0+(?=\d)/, '');
  if (dollars.length > MAX_DOLLAR_DIGITS) return null;
  return `${dollars}.${match[2] ?? '00'}`;
}

/**
 * The same normalisation as browser JavaScript (a function declaration named
 * `normaliseTypedAmount`), for the page's inline script. It uses `AMOUNT_PATTERN` itself, so the
 * grammar has one source; the steps after the match are the three lines above, kept in step by
 * the shared table of cases the unit and browser tests run.
 */
export const AMOUNT_NORMALISER_JS = `function normaliseTypedAmount(text) {
  var match = new RegExp(${JSON.stringify(AMOUNT_PATTERN.source)}).exec(String(text).trim());
  if (match === null) return null;
  var dollars = match[1].split(',').join('').replace(/^0+(?=\\d)/, '');
  if (dollars.length > ${MAX_DOLLAR_DIGITS}) return null;
  return dollars + '.' + (match[2] === undefined ? '00' : match[2]);
}`;
