/**
 * One table of typed amounts and what they normalise to, run against `normaliseTypedAmount` (unit
 * test), the page's script text in a Node VM (unit test) and the page's script in Chromium (browser
 * test), so the three cannot drift apart. null: refused, the page asks for dollars and cents.
 */
export const AMOUNT_CASES: readonly (readonly [typed: string, normalised: string | null])[] = [
  // The forms
  ['13667.23', '13667.23'],
  ['$13,667.23', '13667.23'],
  ['13,667.23', '13667.23'],
  [' $13667.23 ', '13667.23'],
  // Also accepted
  ['$13667.23', '13667.23'],
  ['$ 13,667.23', '13667.23'],
  ['\t13667.23\n', '13667.23'],
  ['13667', '13667.00'],
  ['$13,667', '13667.00'],
  ['2,825.00', '2825.00'],
  ['0.50', '0.50'],
  ['0', '0.00'],
  ['007.10', '7.10'],
  ['1,234,567.89', '1234567.89'],
  ['999999999999.99', '999999999999.99'],
  // Refused: not dollars and cents
  ['13667.2', null],
  ['13667.234', null],
  ['13667.', null],
  ['.23', null],
  ['', null],
  ['   ', null],
  ['$', null],
  ['abc', null],
  ['13667.23abc', null],
  ['USD 13667.23', null],
  ['13667.23 $', null],
  ['$$13667.23', null],
  ['-13667.23', null],
  ['+13667.23', null],
  ['13 667.23', null],
  // Refused: commas that are not thousands separators
  ['1,3667.23', null],
  ['13,66.23', null],
  ['136,67.23', null],
  [',13667.23', null],
  ['13667,23', null],
  ['13.667,23', null],
  ['0,123.00', null],
  ['1,234567.89', null],
  ['13,667.23,', null],
  // Refused: too large (more than 12 digits of dollars)
  ['1234567890123', null],
  ['1,234,567,890,123.00', null],
];
