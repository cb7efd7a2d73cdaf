import * as v from 'valibot';
import type { StoredAnswerBody } from '../../app/answers/size-policy.js';
import { BATCH_FORMATS, BATCH_ID_PATTERN, BATCH_STATES } from '../../app/batch/ports.js';
import { EXPLAIN_LEVELS } from '../../app/batch/price.js';
import type { BatchStatus, CreatedBatch } from '../../app/batch/service.js';
import type { StoredSequence } from '../../app/recon/ports.js';
import type { SmartBillLink } from '../../app/smartbill/service.js';
import type { InterchangeTotals } from '../../app/x12/answers.js';
import { JurisdictionSchema } from '../../domain/jurisdiction-schema.js';
import type { PricedBill } from '../../engine/priced-bill.js';
import {
  AmountsPricedBillSchema,
  FacilityRateAnswerSchema,
  FeeAnswerSchema,
  JurisdictionSummarySchema,
  MoneySchema,
  PricedBillSchema,
  ReasonCodeSchema,
  ReconDeltaSchema,
  type SameShape,
  SignedMoneySchema,
  SummaryPricedBillSchema,
} from '../../engine/priced-bill-schema.js';
import type { ErrorBody } from './http.js';

/**
 * Every answer of the API as a Valibot schema: the engine's answers (lambdas/engine/
 * priced-bill-schema.ts) with what the handlers add (the request id, the SmartBill link, the
 * Recon envelopes, health, the error body). The OpenAPI document derives its response schemas
 * from these (lambdas/handlers/openapi/document.ts), and the tests check real answers of every
 * route against the document.
 */

const requestId = v.pipe(v.string(), v.description('The request id, also in the x-request-id header.'));
const integer = v.pipe(v.number(), v.integer());
const sequence = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9999));
const timestamp = v.pipe(v.string(), v.isoTimestamp());

export const SmartBillLinkSchema = v.pipe(
  v.strictObject({
    url: v.pipe(v.string(), v.url()),
    expiresAt: timestamp,
    qrCodeSvg: v.optional(
      v.pipe(
        v.string(),
        v.description('The link as an SVG QR code, when the request said `"qrCode": true`.'),
      ),
    ),
  }),
  v.description(
    "The bill's SmartBill page: every line's computation and the rules behind it, opened by typing the bill's total charge. The link is signed and works until `expiresAt`; the page is stored a fraction of a second after the answer (until then the link answers 404). POST /v1/bills/price only.",
  ),
);

/** `POST /v1/bills/price` 200. */
export const PriceBillAnswerSchema = v.strictObject({
  requestId,
  ...PricedBillSchema.entries,
  smartBill: v.optional(SmartBillLinkSchema),
});

/** The totals over the claims of an 837 priced (rejected claims are not in the amounts). */
const InterchangeTotalsSchema = v.strictObject({
  claims: integer,
  priced: integer,
  rejected: integer,
  lines: v.pipe(integer, v.description('Service lines of the claims priced.')),
  billed: MoneySchema,
  allowed: MoneySchema,
  withheld: MoneySchema,
  unpricedBilled: MoneySchema,
});

/**
 * `POST /v1/bills/price` 303 See Other: the answer was larger than one response carries (Lambda's
 * 6 MB payload), so it is stored whole and `url` (also the `Location` header) reads it back, byte
 * for byte a PriceBillAnswer, until `expiresAt` (docs/decisions/014-answer-size-policy.md).
 */
export const StoredAnswerSchema = v.pipe(
  v.strictObject({
    requestId,
    userMessage: v.string(),
    url: v.pipe(
      v.string(),
      v.url(),
      v.description(
        'A signed GET link to the complete answer (no token: the signature is the authorisation; do not forward your Authorization header to it).',
      ),
    ),
    expiresAt: v.pipe(timestamp, v.description('When the link stops working (15 minutes after the answer).')),
    bytes: v.pipe(integer, v.minValue(1), v.description('The stored answer’s size in bytes.')),
    summary: v.strictObject({
      totals: v.pipe(
        v.union([PricedBillSchema.entries.totals, InterchangeTotalsSchema]),
        v.description('The bill’s totals; for an 837, the totals over its claims priced.'),
      ),
    }),
  }),
  v.description(
    'The answer is stored, not cut: follow the Location header (or GET url) for the complete PriceBillAnswer. The bill’s totals are here already.',
  ),
);

/** `POST /v1/bills/price?explain=summary` 200 (or `"explain": "summary"` in the bill). */
export const PriceBillSummaryAnswerSchema = v.pipe(
  v.strictObject({
    requestId,
    ...SummaryPricedBillSchema.pipe[0].entries,
    smartBill: v.optional(SmartBillLinkSchema),
  }),
  v.description(
    "explain=summary: per line the amounts, buckets, adjustments with their codes, each rule's decision and the official rows behind the numbers; each regulation and rule trace once, under references. The SmartBill page explains in full.",
  ),
);

/** `POST /v1/bills/price?explain=none` 200. */
export const PriceBillAmountsAnswerSchema = v.pipe(
  v.strictObject({
    requestId,
    ...AmountsPricedBillSchema.pipe[0].entries,
    notices: v.optional(
      v.pipe(
        v.array(v.string()),
        v.description('Only when the SmartBill page could not be prepared: says so.'),
      ),
    ),
    smartBill: v.optional(SmartBillLinkSchema),
  }),
  v.description('explain=none: amounts and codes only. The SmartBill page explains in full.'),
);

/** One error of an X12 claim or transaction set, at its place in the 837 (issue 18, decision 017). */
const X12ErrorSchema = v.strictObject({
  field: v.pipe(
    v.string(),
    v.description('The segment, element and component at fault, "CLM05-1" (or the segment id).'),
  ),
  errorMessage: v.string(),
  segment: v.pipe(v.string(), v.description('The segment id, "SV1".')),
  position: v.pipe(integer, v.description("The segment's ordinal position in the file, ISA = 1.")),
  setPosition: v.optional(
    v.pipe(integer, v.description('Its position in its transaction set, ST = 1 (999 IK302).')),
  ),
  loop: v.optional(v.pipe(v.string(), v.description('The 837 loop, "2400" (999 IK303).'))),
  element: v.optional(v.pipe(integer, v.description("The element's position in the segment, 1-based."))),
  component: v.optional(v.pipe(integer, v.description("The component's position in a composite element."))),
});

const AckSegmentErrorSchema = v.strictObject({
  segment: v.pipe(v.string(), v.description('IK301, the segment id.')),
  position: v.pipe(integer, v.description('IK302, its position in the transaction set (ST = 1).')),
  loop: v.optional(v.pipe(v.string(), v.description('IK303, the loop id.'))),
  code: v.pipe(v.string(), v.description('IK304, the segment syntax error code.')),
  claimId: v.optional(v.pipe(v.string(), v.description('CTX*CLM01: the claim the error is in.'))),
  elements: v.array(
    v.strictObject({
      element: v.pipe(integer, v.description('IK401-1, the element position.')),
      component: v.optional(v.pipe(integer, v.description('IK401-2, the component position.'))),
      reference: v.optional(v.pipe(v.string(), v.description('IK402, the data element reference number.'))),
      code: v.pipe(v.string(), v.description('IK403, the element syntax error code.')),
      badValue: v.optional(
        v.pipe(v.string(), v.description('IK404, a copy of the bad value (never a date or a name).')),
      ),
    }),
  ),
  message: v.pipe(v.string(), v.description('Our plain words for it (the 999 carries the codes).')),
});

/** The 999's content as JSON, with the 999 itself. */
const AcknowledgmentSchema = v.strictObject({
  groups: v.array(
    v.strictObject({
      functionalId: v.pipe(v.string(), v.description('AK101, the group’s GS01 ("HC").')),
      controlNumber: v.pipe(v.string(), v.description('AK102, the group’s GS06.')),
      version: v.pipe(v.string(), v.description('AK103, the group’s GS08.')),
      sets: v.array(
        v.strictObject({
          controlNumber: v.pipe(v.string(), v.description('AK202, the set’s ST02.')),
          implementation: v.pipe(v.string(), v.description('AK203, the set’s ST03.')),
          status: v.pipe(
            v.picklist(['A', 'E', 'R']),
            v.description(
              'IK501: A accepted, E accepted with errors noted (some claims rejected), R rejected.',
            ),
          ),
          codes: v.pipe(v.array(v.string()), v.description('IK502–IK506, the set’s error codes.')),
          errors: v.array(AckSegmentErrorSchema),
        }),
      ),
      status: v.pipe(
        v.picklist(['A', 'E', 'P', 'R']),
        v.description(
          'AK901: A accepted, E accepted with errors, P partially accepted (some sets rejected), R rejected.',
        ),
      ),
      included: v.pipe(integer, v.description('AK902, the sets the group says it holds (GE01).')),
      received: v.pipe(integer, v.description('AK903, the sets received.')),
      accepted: v.pipe(integer, v.description('AK904, the sets accepted (A or E).')),
    }),
  ),
  x12: v.pipe(
    v.string(),
    v.description('The 999 (005010X231A1) as X12, from the 837’s receiver back to its sender.'),
  ),
});

const RejectedClaimSchema = v.strictObject({
  transactionSet: v.pipe(v.string(), v.description('ST02 of its transaction set.')),
  claimId: v.optional(
    v.pipe(v.string(), v.description('CLM01; absent when the whole transaction set was rejected.')),
  ),
  errors: v.array(X12ErrorSchema),
});

/** `POST /v1/bills/price` with an 837 body (`Content-Type: application/edi-x12`), answered as JSON. */
export const InterchangeAnswerSchema = v.pipe(
  v.strictObject({
    requestId,
    interchange: v.strictObject({
      controlNumber: v.pipe(v.string(), v.description('ISA13 of the 837.')),
      sender: v.pipe(v.string(), v.description('ISA06.')),
      receiver: v.pipe(v.string(), v.description('ISA08.')),
      usage: v.pipe(v.picklist(['P', 'T']), v.description('ISA15: production or test.')),
    }),
    claims: v.array(
      v.strictObject({
        transactionSet: v.pipe(v.string(), v.description('ST02 of its transaction set.')),
        claimId: v.pipe(
          v.string(),
          v.description('CLM01, the patient control number; also the bill’s billId.'),
        ),
        claimNumber: v.optional(
          v.pipe(
            v.string(),
            v.description('REF*Y4, the property and casualty claim number, passed through.'),
          ),
        ),
        bill: v.pipe(
          v.union([PricedBillSchema, SummaryPricedBillSchema.pipe[0], AmountsPricedBillSchema.pipe[0]]),
          v.description(
            'The claim priced, at the explain level asked (as the JSON bill answers, without requestId).',
          ),
        ),
      }),
    ),
    rejected: v.pipe(
      v.array(RejectedClaimSchema),
      v.description('Claims (or whole sets) not priced, and why.'),
    ),
    totals: InterchangeTotalsSchema,
    acknowledgment: AcknowledgmentSchema,
  }),
  v.description(
    'An 837 interchange priced: each claim as the same bill sent as JSON would be, the claims not priced with their X12 positions, totals over the claims priced, and the 999.',
  ),
);

/**
 * `POST /v1/bills/price` 200 as JSON: a bill at the level the request asked (`explain`: full,
 * summary or none), or an 837's claims (InterchangeAnswer).
 */
export const PriceBillResponseSchema = v.union([
  PriceBillAnswerSchema,
  PriceBillSummaryAnswerSchema,
  PriceBillAmountsAnswerSchema,
  InterchangeAnswerSchema,
]);

/** `POST /v1/x12/acknowledgments` 200, answered as JSON. */
export const AcknowledgmentAnswerSchema = v.strictObject({
  requestId,
  ...AcknowledgmentSchema.entries,
  rejected: v.pipe(
    v.array(RejectedClaimSchema),
    v.description('Claims (or whole sets) that would not be priced, and why.'),
  ),
});

/** `GET /v1/fee-schedules/{jurisdiction}/{code}` 200. */
export const FeeScheduleAnswerSchema = v.strictObject({ requestId, ...FeeAnswerSchema.entries });

/** `GET /v1/fee-schedules/{jurisdiction}/{code}?setting=outpatient|asc` 200. */
export const FacilityRateAnswerWithIdSchema = v.strictObject({
  requestId,
  ...FacilityRateAnswerSchema.entries,
});

/** `GET /v1/fee-schedules/{jurisdiction}/{code}` 200: a fee schedule amount, or with `setting` a facility rate. */
export const FeeLookupAnswerSchema = v.union([FeeScheduleAnswerSchema, FacilityRateAnswerWithIdSchema]);

/** `GET /v1/jurisdictions` 200. */
export const JurisdictionListAnswerSchema = v.strictObject({
  requestId,
  jurisdictions: v.array(JurisdictionSummarySchema),
});

/** `GET /v1/jurisdictions/{id}` 200: the jurisdiction file, whole (lambdas/domain/jurisdiction-schema.ts). */
export const JurisdictionAnswerSchema = v.strictObject({ requestId, jurisdiction: JurisdictionSchema });

/** `GET /v1/reason-codes` 200. */
export const ReasonCodeListAnswerSchema = v.strictObject({
  requestId,
  reasonCodes: v.array(ReasonCodeSchema),
});

const DependencyHealthSchema = v.strictObject({
  status: v.pipe(
    v.picklist(['ok', 'unavailable', 'not-configured']),
    v.description(
      'ok: it answers; unavailable: it does not (now); not-configured: this deployment does not use it',
    ),
  ),
});

/** `GET /v1/health` 200: statuses only, no data. */
export const HealthAnswerSchema = v.strictObject({
  status: v.pipe(
    v.picklist(['ok', 'degraded']),
    v.description('degraded: a configured dependency does not answer (the routes that need it answer 503)'),
  ),
  service: v.string(),
  checkedAt: v.pipe(
    timestamp,
    v.description('When the dependencies were last checked (checks are reused for 2 s).'),
  ),
  dependencies: v.strictObject({
    feeIndex: DependencyHealthSchema,
    dynamoDb: DependencyHealthSchema,
    kms: DependencyHealthSchema,
    smartBillStore: DependencyHealthSchema,
  }),
  dataRelease: v.pipe(
    v.nullable(
      v.strictObject({
        id: v.pipe(
          v.string(),
          v.regex(/^r[0-9a-f]{12}$/),
          v.description("The data release: 'r' and the first 12 hex digits of the index body's SHA-256"),
        ),
        builtAt: v.pipe(timestamp, v.description('When the release was built')),
      }),
    ),
    v.description(
      "The data release this function's fee index is (issue 20; during a release's canary some answers name the new one); null when the index does not open",
    ),
  ),
  requestId,
});

/** `POST /v1/recons` 201 (stored) and 200 (the stored answer to a resubmission). */
export const ReconAnswerSchema = v.strictObject({
  requestId,
  controlNumber: v.string(),
  sequence,
  outcome: v.picklist(['stored', 'replayed']),
  storedAt: timestamp,
  missingSequences: v.pipe(v.array(integer), v.description('Sequences skipped before this one')),
  priced: PricedBillSchema,
  delta: ReconDeltaSchema,
  history: v.strictObject({ latestSequence: sequence, sequencesStored: integer }),
  smartBill: v.optional(
    v.pipe(
      SmartBillLinkSchema,
      v.description(
        'The SmartBill page of the sequence priced (or replayed), as POST /v1/bills/price gives it; absent where SmartBill is off or the page could not be prepared',
      ),
    ),
  ),
});

/**
 * `POST /v1/recons` and `GET /v1/recons/{controlNumber}/sequences/{n}` 303: the answer was larger
 * than a synchronous answer may be (5,000,000 bytes), so it was stored (S3, KMS) and `Location` is
 * a signed link to it (issue 17, § 2).
 */
export const ReconAnswerLinkSchema = v.strictObject({
  requestId,
  answerStatus: v.pipe(
    v.picklist([200, 201]),
    v.description(
      'The status the answer would have had: 201 stored, 200 a resubmission or a sequence read back',
    ),
  ),
  location: v.pipe(
    v.string(),
    v.description('The signed link (also in the Location header); GET it without a token'),
  ),
  expiresAt: v.pipe(timestamp, v.description('When the link stops working')),
  bytes: v.pipe(integer, v.description('Size of the stored answer')),
});

/** A stored sequence as a listing shows it: clear data only (codes and money, no identifiers). */
export const StoredSequenceSummarySchema = v.strictObject({
  sequence,
  storedAt: timestamp,
  jurisdiction: v.string(),
  lines: integer,
  codes: v.array(v.string()),
  totals: v.strictObject({
    billed: MoneySchema,
    allowed: MoneySchema,
    withheld: SignedMoneySchema,
    buckets: v.record(v.string(), SignedMoneySchema),
  }),
  delta: v.strictObject({
    againstSequence: v.nullable(integer),
    total: SignedMoneySchema,
    direction: v.picklist(['additional-payment', 'overpayment', 'no-change']),
  }),
  missingSequences: v.array(integer),
});

/** `GET /v1/recons/{controlNumber}` 200. */
export const ReconSummaryAnswerSchema = v.strictObject({
  requestId,
  controlNumber: v.string(),
  latest: StoredSequenceSummarySchema,
  sequencesStored: integer,
  updatedAt: timestamp,
  sequences: v.pipe(v.array(StoredSequenceSummarySchema), v.description('Newest first, one page')),
  nextPageToken: v.optional(
    v.pipe(v.string(), v.description('Pass as pageToken for the next page; absent on the last page.')),
  ),
});

/** One Recon of the delta-sync listing: clear data only (no patient, claim or provider data). */
export const ReconListingItemSchema = v.strictObject({
  controlNumber: v.pipe(
    v.string(),
    v.description("The payer's bill identifier (kept in clear: not a claim or member number)"),
  ),
  latestSequence: sequence,
  sequencesStored: integer,
  totals: v.pipe(
    v.strictObject({
      billed: MoneySchema,
      allowed: MoneySchema,
      withheld: SignedMoneySchema,
      buckets: v.record(v.string(), SignedMoneySchema),
    }),
    v.description('Totals of the latest sequence'),
  ),
  updatedAt: v.pipe(timestamp, v.description('When the latest sequence was stored')),
});

/** `GET /v1/recons` 200. */
export const ReconListAnswerSchema = v.strictObject({
  requestId,
  recons: v.pipe(v.array(ReconListingItemSchema), v.description('Most recently updated first, one page')),
  nextPageToken: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Pass as pageToken, with the same updatedSince, for the next page; absent on the last page.',
      ),
    ),
  ),
});

/** `GET /v1/recons/{controlNumber}/sequences/{sequence}` 200. */
export const ReconSequenceAnswerSchema = v.strictObject({
  requestId,
  controlNumber: v.string(),
  sequence,
  latest: v.pipe(v.boolean(), v.description('Whether this is the latest stored sequence')),
  storedAt: timestamp,
  missingSequences: v.array(integer),
  bill: v.pipe(
    v.unknown(),
    v.description(
      'The bill as it was sent (patient and claim data included): a Bill or a ProfessionalClaim.',
    ),
  ),
  priced: PricedBillSchema,
  delta: ReconDeltaSchema,
});

/** `DELETE /v1/recons/{controlNumber}` 200. */
export const ReconDeletedAnswerSchema = v.strictObject({
  requestId,
  controlNumber: v.string(),
  deleted: v.literal(true),
  deletedItems: v.pipe(
    integer,
    v.description('Items deleted: every sequence and the pointer, with the encrypted data keys in them'),
  ),
});

/** `DELETE /v1/smartbills/{id}` 200. */
export const SmartBillRevokedAnswerSchema = v.strictObject({
  requestId,
  id: v.pipe(
    v.string(),
    v.description('The page id: the 32 characters between smartbills/ and .html in its link'),
  ),
  revoked: v.literal(true),
});

const batchState = v.pipe(
  v.picklist(BATCH_STATES),
  v.description(
    '`awaiting-upload` until the input is uploaded, `running` while its chunks are priced, then `succeeded` (results and summary written; per-bill errors are rows, never a failed batch) or `failed` (the batch as a whole could not run).',
  ),
);
const batchId = v.pipe(v.string(), v.regex(BATCH_ID_PATTERN), v.description('The batch id.'));

/** `POST /v1/batches` 201. */
export const CreatedBatchAnswerSchema = v.strictObject({
  requestId,
  batchId,
  state: batchState,
  format: v.picklist(BATCH_FORMATS),
  explain: v.picklist(EXPLAIN_LEVELS),
  upload: v.pipe(
    v.strictObject({
      method: v.literal('PUT'),
      url: v.pipe(v.string(), v.url()),
      expiresAt: timestamp,
    }),
    v.description(
      'PUT the file of bills (one JSON bill a line) to `url` before `expiresAt`, with no other header needed; the upload starts the batch. The object is encrypted with the batch key (SSE-KMS).',
    ),
  ),
  statusPath: v.pipe(v.string(), v.description('GET it for the state, the progress and the result links.')),
});

/** `GET /v1/batches/{id}` 200. */
export const BatchStatusAnswerSchema = v.strictObject({
  requestId,
  batchId,
  state: batchState,
  format: v.picklist(BATCH_FORMATS),
  explain: v.picklist(EXPLAIN_LEVELS),
  createdAt: timestamp,
  updatedAt: timestamp,
  progress: v.pipe(
    v.strictObject({
      done: integer,
      failed: integer,
      total: v.optional(integer),
    }),
    v.description(
      "Input lines (bills) priced or failed so far, of them failed, and the input's line count once it is split.",
    ),
  ),
  failure: v.optional(v.pipe(v.string(), v.description('Why the batch failed as a whole.'))),
  results: v.optional(
    v.pipe(
      v.strictObject({
        resultsUrl: v.pipe(v.string(), v.url()),
        summaryUrl: v.pipe(v.string(), v.url()),
        expiresAt: timestamp,
      }),
      v.description(
        'When succeeded: signed links to results.jsonl (one row an input line, in order: `{"line", "answer"}` with the priced bill as POST /v1/bills/price answers it, or `{"line", "error"}` with the error body of that route) and summary.json (counts, totals and totals by bucket over the priced bills, the failed lines with their errors). Ask again for fresh links.',
      ),
    ),
  ),
});

/** The error body of every 4xx and 5xx (DESIGN.md, API conventions). */
export const ErrorBodySchema = v.strictObject({
  statusCode: integer,
  userMessage: v.string(),
  developerMessage: v.string(),
  errors: v.pipe(
    v.array(
      v.strictObject({
        field: v.pipe(
          v.string(),
          v.description(
            'The field at fault: a JSON path ("lines[2].units"), or for an X12 file the segment, element and component ("CLM05-1").',
          ),
        ),
        errorMessage: v.string(),
        segment: v.optional(
          v.pipe(v.string(), v.description('X12 file (400): the id of the segment at fault, "CLM".')),
        ),
        position: v.optional(
          v.pipe(
            integer,
            v.description("X12 file (400): the segment's ordinal position in the file, ISA = 1."),
          ),
        ),
        setPosition: v.optional(
          v.pipe(integer, v.description('X12: the segment’s position in its transaction set, ST = 1.')),
        ),
        loop: v.optional(v.pipe(v.string(), v.description('X12: the 837 loop of the segment, "2400".'))),
        element: v.optional(
          v.pipe(integer, v.description("X12 file (400): the element's position in the segment, 1-based.")),
        ),
        component: v.optional(
          v.pipe(integer, v.description("X12 file (400): the component's position in a composite element.")),
        ),
      }),
    ),
    v.description('Field errors: at most 100, in the order they were found.'),
  ),
  moreErrors: v.optional(
    v.pipe(
      integer,
      v.description('How many field errors were found beyond the 100 listed; absent when all are listed.'),
    ),
  ),
  latestSequence: v.optional(
    v.pipe(
      sequence,
      v.description('409 on POST /v1/recons: the latest stored sequence of the control number.'),
    ),
  ),
  requestId,
});

/** `GET /openapi.json` 200: an OpenAPI 3.1 document (described by the OpenAPI specification itself). */
export const OpenApiAnswerSchema = v.looseObject({
  openapi: v.literal('3.1.0'),
  info: v.looseObject({ title: v.string(), version: v.string() }),
  paths: v.record(v.string(), v.unknown()),
});

// The envelopes describe the handlers' types exactly (compile time), as the engine's schemas do.
function describes<T extends true>(): T | undefined {
  return undefined;
}
describes<SameShape<v.InferOutput<typeof SmartBillLinkSchema>, SmartBillLink>>();
describes<
  SameShape<
    v.InferOutput<typeof StoredAnswerSchema>,
    StoredAnswerBody<{ totals: PricedBill['totals'] | InterchangeTotals }>
  >
>();
describes<SameShape<v.InferOutput<typeof InterchangeTotalsSchema>, InterchangeTotals>>();
describes<SameShape<v.InferOutput<typeof StoredSequenceSummarySchema>, Omit<StoredSequence, 'sealed'>>>();
describes<SameShape<Omit<v.InferOutput<typeof ErrorBodySchema>, 'latestSequence'>, ErrorBody>>();
describes<SameShape<Omit<v.InferOutput<typeof CreatedBatchAnswerSchema>, 'requestId'>, CreatedBatch>>();
describes<SameShape<Omit<v.InferOutput<typeof BatchStatusAnswerSchema>, 'requestId'>, BatchStatus>>();
