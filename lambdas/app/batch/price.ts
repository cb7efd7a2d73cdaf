import { normaliseRequest } from '../../engine/bill/normalise-request.js';
import type { FieldError } from '../../engine/errors.js';
import { EXPLAIN_LEVELS, type ExplainLevel, type PricedAnswer } from '../../engine/explain.js';
import { priceRequest } from '../../engine/price-request.js';
import type { FeeIndex } from '../../fee-index/reader.js';
import { BadRequestError, errorResult, MalformedJsonError, parseJsonBody } from '../answers.js';
import type { InputLine } from './lines.js';

/**
 * Pricing one line of a batch: the same parsing, validation and engine as `POST /v1/bills/price`,
 * with every failure turned into an error row for that line, so that no bill can stop its chunk
 * (issue 17 § 3: "per-bill errors never stop a batch").
 */

/** The explanation levels of issue 17 § 1 (the engine's); a batch carries its level to every bill. */
export { EXPLAIN_LEVELS, type ExplainLevel };

/**
 * A batch's default level: `summary`. A batch is read by programs and auditors, not line by line by
 * people, and `full` repeats ~5 KB of explanation per line (a 2-million-bill audit would write
 * about 100 GB of it); `summary` keeps amounts, buckets, adjustments with their codes and each
 * rule's decision. `full` stays one field away.
 */
export const DEFAULT_BATCH_EXPLAIN: ExplainLevel = 'summary';

/** An error row's body: the API's error body without the request id (a batch has one id). */
export interface BatchLineError {
  readonly statusCode: number;
  readonly userMessage: string;
  readonly developerMessage: string;
  readonly errors: readonly FieldError[];
  readonly moreErrors?: number;
}

/** One row of results.jsonl: the input line's number and the API's answer, or its error. */
export type BatchResultRow =
  | { readonly line: number; readonly answer: PricedAnswer }
  | { readonly line: number; readonly error: BatchLineError };

/**
 * The one place a batch prices a bill, at the batch's explanation level, which the engine uses to
 * skip the text that level drops. A bill that names its own level (its `explain` field, validated
 * with the bill: an unknown value is that line's 422) is answered at that level: the line is the
 * more specific request, and a batch default must not turn a bill that asks for `full` into an
 * error row. Amounts and totals are the same at every level, so the summary is too.
 *
 * @param index - the fee index
 * @param json - the parsed bill, in any shape the price route takes
 * @param explain - the batch's explanation level
 * @param tenant - the batch's tenant: its contracts apply (issue 20); none: no contract applies
 * @returns the priced bill at its level
 * @throws BillValidationError as the price route does
 */
export function priceForBatch(
  index: FeeIndex,
  json: unknown,
  explain: ExplainLevel,
  tenant?: string,
): PricedAnswer {
  const bill = normaliseRequest(json);
  const own = (json as { explain?: unknown } | null)?.explain;
  const level = (EXPLAIN_LEVELS as readonly unknown[]).includes(own) ? (own as ExplainLevel) : explain;
  return priceRequest(index, bill, tenant === undefined ? { explain: level } : { explain: level, tenant });
}

const EMPTY_LINE = new BadRequestError('The line is empty: every input line must hold one bill.', [
  { field: 'line', errorMessage: 'must hold one bill as JSON; remove empty lines' },
]);

/**
 * Prices one input line into its result row. Never throws: malformed JSON is a 400 row, a bill
 * the engine cannot accept a 422 row with its field errors, anything else a 500 row, each in the
 * API's error shape and with the input line number.
 *
 * @param index - the fee index
 * @param input - the line and its number
 * @param explain - the batch's explanation level
 * @param tenant - the batch's tenant (its contracts apply)
 * @returns the row
 */
export function priceBatchLine(
  index: FeeIndex,
  input: InputLine,
  explain: ExplainLevel,
  tenant?: string,
): BatchResultRow {
  try {
    if (input.text.trim() === '') throw EMPTY_LINE;
    return { line: input.line, answer: priceForBatch(index, parseJsonBody(input.text), explain, tenant) };
  } catch (error) {
    return { line: input.line, error: errorRow(error) };
  }
}

function errorRow(error: unknown): BatchLineError {
  // The price route answers bad JSON with no field error (the body is the field); a batch names the line.
  if (error instanceof MalformedJsonError) {
    return {
      statusCode: 400,
      userMessage: 'The line is not valid JSON.',
      developerMessage: error.message,
      errors: [{ field: 'line', errorMessage: 'must be one bill as JSON on one line' }],
    };
  }
  // The API's own mapping by class (app/answers.ts), so a row reads as the price route would answer.
  const { requestId: _none, ...body } = JSON.parse(errorResult(error, 'batch').body) as BatchLineError & {
    requestId: string;
  };
  return body;
}
