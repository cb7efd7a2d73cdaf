import * as v from 'valibot';
import { fieldErrorsOf } from '../../engine/bill/schema.js';
import { BillValidationError } from '../../engine/errors.js';

/**
 * What `POST /v1/recons` takes on top of a bill (either shape `POST /v1/bills/price` takes): the
 * control number and sequence, and the patient and claim data a Recon may carry. Those are stored
 * only envelope-encrypted, and only here; pricing never reads them.
 */

/** Control numbers: the payer's bill control number, to 64 characters of a safe alphabet. */
export const CONTROL_NUMBER = /^[A-Za-z0-9._-]{1,64}$/;

/** The highest sequence accepted. */
export const MAX_SEQUENCE = 9999;

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`));
const date = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD'));

const AddressSchema = v.looseObject({
  line1: v.optional(text(200)),
  line2: v.optional(text(200)),
  city: v.optional(text(100)),
  state: v.optional(text(2)),
  zip: v.optional(v.pipe(v.string(), v.regex(/^\d{5}(-?\d{4})?$/, 'must be a ZIP code'))),
});

/** The injured worker. Every field is protected health information. */
export const PatientSchema = v.pipe(
  v.looseObject({
    firstName: v.optional(text(100)),
    lastName: v.optional(text(100)),
    birthDate: v.optional(date),
    memberId: v.optional(text(50)),
    ssn: v.optional(v.pipe(v.string(), v.regex(/^\d{3}-?\d{2}-?\d{4}$/, 'must be nine digits'))),
    address: v.optional(AddressSchema),
  }),
  v.description('The injured worker (stored only envelope-encrypted).'),
);

/** The workers' compensation claim. */
export const ClaimSchema = v.pipe(
  v.looseObject({
    claimNumber: v.optional(text(50)),
    injuryDate: v.optional(date),
    employer: v.optional(v.looseObject({ name: v.optional(text(200)), address: v.optional(AddressSchema) })),
  }),
  v.description('The claim (stored only envelope-encrypted).'),
);

export const ReconSubmissionSchema = v.looseObject({
  controlNumber: v.pipe(
    v.string('is required'),
    v.regex(CONTROL_NUMBER, 'must be 1 to 64 letters, digits, dots, dashes or underscores'),
    v.description('The bill control number: every sequence of one bill carries the same one.'),
  ),
  sequence: v.pipe(
    v.number('is required: 1 for the original bill, then 2, 3, … for each corrected bill'),
    v.integer('must be a whole number'),
    v.minValue(1, 'must be 1 or more'),
    v.maxValue(MAX_SEQUENCE, `must be at most ${MAX_SEQUENCE}`),
    v.description('1 for the original bill; each reconsideration the next number.'),
  ),
  patient: v.optional(PatientSchema),
  claim: v.optional(ClaimSchema),
});

export type ReconSubmission = v.InferOutput<typeof ReconSubmissionSchema>;

/**
 * Checks the Recon fields of a submission (the bill itself is checked by the bill normaliser).
 *
 * @param body - the parsed JSON body
 * @returns the control number and sequence
 * @throws BillValidationError naming every field at fault
 */
export function parseReconFields(body: unknown): {
  readonly controlNumber: string;
  readonly sequence: number;
} {
  const result = v.safeParse(ReconSubmissionSchema, body);
  if (!result.success) {
    throw new BillValidationError('The Recon fields cannot be accepted.', fieldErrorsOf(result.issues));
  }
  return { controlNumber: result.output.controlNumber, sequence: result.output.sequence };
}

/**
 * Checks a control number from a path.
 *
 * @param value - the path parameter as the gateway decoded it (never decoded again: see
 *   lambdas/handlers/shared/path-parameters.ts)
 * @returns the control number, or null when it cannot be one
 */
export function controlNumberFromPath(value: string): string | null {
  return CONTROL_NUMBER.test(value) ? value : null;
}
