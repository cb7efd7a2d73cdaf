import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BillValidationError } from '../../engine/errors.js';
import { DEFAULT_EXPLAIN, type ExplainLevel, isExplainLevel } from '../../engine/explain.js';
import { ownParameter } from '../shared/http.js';

/**
 * Request schemas of POST /v1/bills/price: the bill in this API's shape or the 837P-style claim.
 * Validation (shape by Valibot, meaning by the normalise stage) lives in the engine so the CLI and
 * the API accept exactly the same bills.
 */
export { BillSchema as PriceBillInputSchema, ProfessionalClaimSchema } from '../../engine/bill/schema.js';

/** The `explain` query parameter, as the OpenAPI document describes it. */
export const EXPLAIN_QUERY_DESCRIPTION =
  'How much explanation the answer carries. "full" (the default) explains every line step by step with the inputs, source rows and regulations a person needs to redo it by hand. "summary" keeps per line the amounts, buckets, adjustments with their codes, each rule\'s decision and references to the official rows ("pfs-rvu/2025#7836"), with each regulation and rule trace written once per answer under references: about a tenth of the size, for systems that post payments and keep the reasons. "none" answers amounts and codes only, for bulk repricing. The bill\'s own `explain` field says the same; if both are sent they must agree (422 otherwise). The SmartBill page always explains in full.';

/**
 * The answer's explanation level: the `explain` query parameter or the bill's `explain` field
 * (already checked by the bill's schema), `full` when neither is sent. Two different values are
 * refused rather than one chosen silently: a client that sends both has made a mistake it should
 * hear about.
 *
 * @param event - the request (its query string)
 * @param body - the parsed body (its `explain` field, validated with the bill)
 * @returns the level
 * @throws BillValidationError (422) naming `explain` for an unknown value or two that differ
 */
export function explainLevelOf(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  body: unknown,
): ExplainLevel {
  const query = ownParameter(event.queryStringParameters, 'explain');
  const field = (body as { explain?: unknown } | null)?.explain;
  const fromBody = isExplainLevel(field) ? field : undefined;
  if (query === undefined) return fromBody ?? DEFAULT_EXPLAIN;
  if (!isExplainLevel(query)) {
    throw new BillValidationError('The explain query parameter is not a level we answer.', [
      { field: 'explain', errorMessage: 'must be "full", "summary" or "none" (query parameter)' },
    ]);
  }
  if (fromBody !== undefined && fromBody !== query) {
    throw new BillValidationError('The explain query parameter and the bill disagree.', [
      {
        field: 'explain',
        errorMessage: `the query parameter says "${query}" and the bill says "${fromBody}": send one, or the same in both`,
      },
    ]);
  }
  return query;
}

/** A jurisdiction id as the API spells them: a state code, DC, or US-… (US-MEDICARE, US-OWCP). */
const JURISDICTION_ID = /^(?:[A-Z]{2}|US-[A-Z]{2,12})$/;

/**
 * The `jurisdiction` query parameter of an X12 request: whose fee schedule prices every claim of
 * the interchange, over what each claim's CLM11 says (decision 017). Undefined when not sent.
 *
 * @param event - the request (its query string)
 * @returns the jurisdiction id, upper case
 * @throws BillValidationError (422) naming `jurisdiction` when it is not shaped like one
 */
export function x12JurisdictionOf(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
): string | undefined {
  const value = ownParameter(event.queryStringParameters, 'jurisdiction');
  if (value === undefined) return undefined;
  const id = value.trim().toUpperCase();
  if (!JURISDICTION_ID.test(id)) {
    throw new BillValidationError('The jurisdiction query parameter is not a jurisdiction id.', [
      {
        field: 'jurisdiction',
        errorMessage: 'must be a state code ("CA"), "DC", "US-OWCP" or "US-MEDICARE" (query parameter)',
      },
    ]);
  }
  return id;
}
