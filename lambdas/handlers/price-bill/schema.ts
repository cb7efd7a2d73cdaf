/**
 * Request schemas of POST /v1/bills/price: the bill in this API's shape or the 837P-style claim.
 * Validation (shape by Valibot, meaning by the normalise stage) lives in the engine so the CLI and
 * the API accept exactly the same bills.
 */
export { BillSchema as PriceBillInputSchema, ProfessionalClaimSchema } from '../../engine/bill/schema.js';
