import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { KPI_GROUPS, PUBLICATION_THRESHOLD } from '../../app/analytics/answers.js';
import { MONTH_PATTERN as MONTH_OF_SERVICE } from '../../app/analytics/params.js';
import { OVERSIZED_ANSWER_LINK_TTL_SECONDS } from '../../app/answers/oversized-store.js';
import { MAX_INLINE_RESPONSE_BYTES, MAX_SYNC_LINES } from '../../app/answers/size-policy.js';
import { BULK_ROUTE } from '../../app/answers.js';
import { BATCH_ID_PATTERN } from '../../app/batch/ports.js';
import { ReconSubmissionSchema } from '../../app/recon/submission.js';
import { MAX_X12_SERVICE_LINES } from '../../app/x12/answers.js';
import { FacilityBillSchema, InstitutionalClaimSchema } from '../../engine/bill/facility-schema.js';
import { BillSchema, ProfessionalClaimSchema } from '../../engine/bill/schema.js';
import { EXPLAIN_LEVELS } from '../../engine/explain.js';
import { PricedBillSchema } from '../../engine/priced-bill-schema.js';
import { PAYMENT_METHODS } from '../../x12/payment.js';
import { CreateBatchInputSchema } from '../batch-create/schema.js';
import { FeeScheduleQuerySchema } from '../get-fee-schedule/schema.js';
import { EXPLAIN_QUERY_DESCRIPTION } from '../price-bill/schema.js';
import {
  AnalyticsDeletedAnswerSchema,
  BenchmarkAnswerSchema,
  KpiAnswerSchema,
} from '../shared/analytics-schemas.js';
import { X12_MEDIA_TYPE } from '../shared/http.js';
import { MAX_PATH_PARAMETER_LENGTH } from '../shared/path-parameters.js';
import {
  AcknowledgmentAnswerSchema,
  BatchStatusAnswerSchema,
  CreatedBatchAnswerSchema,
  ErrorBodySchema,
  FacilityRateAnswerWithIdSchema,
  FeeLookupAnswerSchema,
  FeeScheduleAnswerSchema,
  HealthAnswerSchema,
  InterchangeAnswerSchema,
  JurisdictionAnswerSchema,
  JurisdictionListAnswerSchema,
  OpenApiAnswerSchema,
  PriceBillAmountsAnswerSchema,
  PriceBillAnswerSchema,
  PriceBillResponseSchema,
  PriceBillSummaryAnswerSchema,
  ReasonCodeListAnswerSchema,
  ReconAnswerLinkSchema,
  ReconAnswerSchema,
  ReconDeletedAnswerSchema,
  ReconListAnswerSchema,
  ReconSequenceAnswerSchema,
  ReconSummaryAnswerSchema,
  SmartBillRevokedAnswerSchema,
  StoredAnswerSchema,
} from '../shared/response-schemas.js';
import { RESOURCE_SERVER_ID, ROUTES, SCOPE_DESCRIPTIONS } from '../shared/routes.js';

type AnySchema = v.GenericSchema;

/**
 * The answers' schemas, by component name: the OpenAPI document's response schemas are derived
 * from these Valibot schemas (never written by hand), and the tests check real answers against them.
 */
export const RESPONSE_SCHEMAS = {
  PricedBill: PricedBillSchema,
  PriceBillAnswer: PriceBillAnswerSchema,
  StoredAnswer: StoredAnswerSchema,
  PriceBillSummaryAnswer: PriceBillSummaryAnswerSchema,
  PriceBillAmountsAnswer: PriceBillAmountsAnswerSchema,
  PriceBillResponse: PriceBillResponseSchema,
  InterchangeAnswer: InterchangeAnswerSchema,
  AcknowledgmentAnswer: AcknowledgmentAnswerSchema,
  FeeAnswer: FeeScheduleAnswerSchema,
  FacilityRateAnswer: FacilityRateAnswerWithIdSchema,
  FeeLookupAnswer: FeeLookupAnswerSchema,
  JurisdictionList: JurisdictionListAnswerSchema,
  JurisdictionAnswer: JurisdictionAnswerSchema,
  ReasonCodeList: ReasonCodeListAnswerSchema,
  ReconAnswer: ReconAnswerSchema,
  ReconSummary: ReconSummaryAnswerSchema,
  ReconList: ReconListAnswerSchema,
  ReconAnswerLink: ReconAnswerLinkSchema,
  ReconSequence: ReconSequenceAnswerSchema,
  ReconDeleted: ReconDeletedAnswerSchema,
  SmartBillRevoked: SmartBillRevokedAnswerSchema,
  CreatedBatch: CreatedBatchAnswerSchema,
  BatchStatus: BatchStatusAnswerSchema,
  KpiAnswer: KpiAnswerSchema,
  BenchmarkAnswer: BenchmarkAnswerSchema,
  AnalyticsDeleted: AnalyticsDeletedAnswerSchema,
  Health: HealthAnswerSchema,
  OpenApiDocument: OpenApiAnswerSchema,
  Error: ErrorBodySchema,
} as const satisfies Record<string, AnySchema>;

export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

/**
 * One answer schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), of the values the API
 * sends (`typeMode: 'output'`).
 *
 * @param schema - a Valibot schema
 * @returns its JSON Schema, without `$schema` (the document's dialect applies)
 */
export function responseJsonSchema(schema: AnySchema): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    typeMode: 'output',
    // The jurisdiction file's cross-field checks (v.check) have no JSON Schema form; its fields do.
    errorMode: 'ignore',
  }) as Record<string, unknown>;
  return rest;
}

/** The 200 (or 201) answer of each route, by route id: a component of {@link RESPONSE_SCHEMAS}. */
export const ROUTE_ANSWERS: Readonly<Record<string, ResponseSchemaName>> = {
  PriceBill: 'PriceBillResponse',
  AcknowledgeX12: 'AcknowledgmentAnswer',
  GetFeeSchedule: 'FeeLookupAnswer',
  ListJurisdictions: 'JurisdictionList',
  GetJurisdiction: 'JurisdictionAnswer',
  ListReasonCodes: 'ReasonCodeList',
  SubmitRecon: 'ReconAnswer',
  GetRecon: 'ReconSummary',
  ListRecons: 'ReconList',
  GetReconSequence: 'ReconSequence',
  DeleteRecon: 'ReconDeleted',
  RevokeSmartBill: 'SmartBillRevoked',
  CreateBatch: 'CreatedBatch',
  GetBatch: 'BatchStatus',
  GetAnalyticsKpis: 'KpiAnswer',
  GetAnalyticsBenchmarks: 'BenchmarkAnswer',
  DeleteAnalytics: 'AnalyticsDeleted',
  Health: 'Health',
  OpenApi: 'OpenApiDocument',
};

const ref = (name: ResponseSchemaName) => ({ $ref: `#/components/schemas/${name}` });

const answer = (description: string, name: ResponseSchemaName) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});

const errorResponses = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description:
          {
            400: 'Malformed JSON, an X12 file that cannot be read as one 005010 837 interchange (each error names its segment, position and element), or a path parameter that is not percent-encoded UTF-8',
            406: 'The Accept header allows none of the media types the operation answers in',
            401: 'Missing or invalid access token',
            403: 'The token lacks the scope',
            404: 'Not found',
            409: 'Conflicts with what is stored (a Recon sequence at or below the latest with other content; latestSequence names it)',
            413: 'Body over 10 MB',
            415: 'The body is not sent as a media type the operation reads (application/json; the price and acknowledgment routes also application/edi-x12)',
            422: 'Field errors (at most 100 listed; moreErrors counts the rest)',
          }[code] ?? 'Error',
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  );

const otherErrors = {
  default: {
    description: 'Any other error, in the same shape (never a stack trace)',
    content: { 'application/json': { schema: ref('Error') } },
  },
};

const pathParameter = (name: string, example: string, description?: string) => ({
  name,
  in: 'path',
  required: true,
  ...(description === undefined ? {} : { description }),
  schema: { type: 'string', minLength: 1, maxLength: MAX_PATH_PARAMETER_LENGTH, examples: [example] },
});

/** The page size of the paged Recon listings (1 to 100, 25 by default). */
const LIMIT_PARAMETER = {
  name: 'limit',
  in: 'query',
  required: false,
  schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
};

/** The page token of a paged listing, with what it must come from. */
const pageTokenParameter = (description: string) => ({
  name: 'pageToken',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description,
});

/** A path parameter holding one of our random 32-character ids (SmartBill pages, batches). */
const randomIdParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: BATCH_ID_PATTERN.source },
  description,
});

/** An 837 request body (issue 18, docs/decisions/017-x12-claims-in.md). */
const X12_837_BODY = {
  schema: {
    type: 'string',
    description:
      "An X12 837 interchange: 005010X222A1 (or A2) professional or 005010X223A2 (or A3) institutional claims, any number of transaction sets and claims up to the service line limit. Each claim becomes a bill priced exactly as the same bill sent as JSON. The jurisdiction is the jurisdiction query parameter, or the claim's CLM11 with related cause EM and the state in CLM11-4.",
  },
};

/** An 835 answer (docs/decisions/018-x12-remittance-out.md). */
const X12_835_ANSWER = {
  schema: {
    type: 'string',
    description:
      'An X12 835 (005010X221A1): one transaction set per payer and payee, a CLP per claim, an SVC per line, a CAS (group, CARC, amount) for every cent withheld, LQ*HE remark codes, DTM service dates; it balances per line and claim. Review-only (BPR01 H, 0.00, NON) without payment parameters.',
  },
};

const JURISDICTION_PARAMETER = {
  name: 'jurisdiction',
  in: 'query',
  required: false,
  description:
    "X12 bodies: the jurisdiction whose fee schedule prices every claim (a state code, DC, US-OWCP, US-MEDICARE), over what each claim's CLM11-4 says. Without it, a claim without CLM11 EM and a state is rejected in the 999.",
  schema: { type: 'string', pattern: '^(?:[A-Za-z]{2}|[Uu][Ss]-[A-Za-z]{2,12})$' },
};

/** The payment details of an 835 answer, as query parameters (any content type). */
const PAYMENT_PARAMETERS_DOC = [
  {
    name: 'paymentMethod',
    description:
      'BPR04 of an 835 answer: ACH, CHK, FWT, BOP or NON. With any payment parameter, method, trace and date are required; without them the 835 is review-only.',
    schema: { type: 'string', enum: [...PAYMENT_METHODS] },
  },
  {
    name: 'paymentTrace',
    description:
      'TRN02 of an 835 answer: the cheque or EFT trace number (1 to 50 characters, no *, :, ^ or ~).',
    schema: { type: 'string', minLength: 1, maxLength: 50 },
  },
  {
    name: 'paymentDate',
    description: 'BPR16 of an 835 answer: the payment date, YYYY-MM-DD.',
    schema: { type: 'string', format: 'date' },
  },
  {
    name: 'paymentOriginator',
    description: 'TRN03 of an 835 answer: "1" followed by the payer\'s nine-digit federal tax id.',
    schema: { type: 'string', pattern: '^1\\d{9}$' },
  },
].map((p) => ({ ...p, in: 'query', required: false }));

const MONTH_PATTERN = MONTH_OF_SERVICE.source;

/** The query parameters of GET /v1/analytics/kpis. */
const ANALYTICS_KPI_PARAMETERS = [
  {
    name: 'from',
    required: true,
    description: 'First month of service, "2026-01".',
    schema: { type: 'string', pattern: MONTH_PATTERN },
  },
  {
    name: 'to',
    required: true,
    description: 'Last month of service, inclusive, "2026-12"; at most 60 months after `from`.',
    schema: { type: 'string', pattern: MONTH_PATTERN },
  },
  {
    name: 'jurisdiction',
    description: 'Only bills of this jurisdiction ("AZ", "US-OWCP").',
    schema: { type: 'string' },
  },
  {
    name: 'groupBy',
    description:
      'Also answer `groups`: one row per month, jurisdiction, code, provider (NPI) or reason (group code and CARC).',
    required: false,
    schema: { type: 'string', enum: [...KPI_GROUPS] },
  },
].map((p) => ({ ...p, in: 'query' }));

/** The query parameters of GET /v1/analytics/benchmarks. */
const ANALYTICS_BENCHMARK_PARAMETERS = [
  {
    name: 'code',
    required: true,
    description: 'The CPT or HCPCS code.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9]{5}$' },
  },
  {
    name: 'jurisdiction',
    required: false,
    description: 'Only bills of this jurisdiction.',
    schema: { type: 'string' },
  },
  {
    name: 'zip3',
    required: false,
    description: 'Only services placed in this three-digit ZIP area (HHS restricted areas are "000").',
    schema: { type: 'string', pattern: '^\\d{3}$' },
  },
  {
    name: 'quarter',
    required: false,
    description: 'Only services in this quarter, "2026Q1".',
    schema: { type: 'string', pattern: '^\\d{4}Q[1-4]$' },
  },
].map((p) => ({ ...p, in: 'query' }));

/**
 * The OpenAPI 3.1 document of the API, generated from the route table and the Valibot schemas.
 *
 * @param serverUrl - base URL to advertise
 * @returns the document
 */
export function openApiDocument(serverUrl = '/'): Record<string, unknown> {
  const fee = toJsonSchema(FeeScheduleQuerySchema, { errorMode: 'ignore' }) as {
    properties: Record<string, object>;
  };
  const billOrClaim = {
    oneOf: [
      { $ref: '#/components/schemas/Bill' },
      { $ref: '#/components/schemas/ProfessionalClaim' },
      { $ref: '#/components/schemas/FacilityBill' },
      { $ref: '#/components/schemas/InstitutionalClaim' },
    ],
  };
  const controlNumber = {
    name: 'controlNumber',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const secured = route.scopes.length > 0;
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      ...(secured ? { security: [{ cognito: route.scopes.map((s) => s) }] } : { security: [] }),
    };
    // A route with a token has 401 and 403; every route may answer another error in the same shape.
    const auth = secured ? [401, 403] : [];
    if (route.id === 'AnalyticsPage') {
      // The KPI page is HTML, not JSON: it has no answer schema of RESPONSE_SCHEMAS.
      operation.description =
        "One self-contained HTML page (no data in it) that signs the reader in with Cognito (password, then the TOTP code) and charts GET /v1/analytics/kpis with the reader's own token; tokens are kept in the page's memory only.";
      operation.responses = {
        '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } },
        '503': {
          description: 'The deployment has no sign-in settings for the page: a page that says so',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      };
      paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
      continue;
    }
    const ok = ROUTE_ANSWERS[route.id];
    if (ok === undefined) throw new Error(`no answer schema for route ${route.id}`);
    if (route.id === 'PriceBill') {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: billOrClaim }, [X12_MEDIA_TYPE]: X12_837_BODY },
      };
      operation.parameters = [
        {
          name: 'explain',
          in: 'query',
          required: false,
          description: EXPLAIN_QUERY_DESCRIPTION,
          schema: { type: 'string', enum: [...EXPLAIN_LEVELS], default: 'full' },
        },
        JURISDICTION_PARAMETER,
        ...PAYMENT_PARAMETERS_DOC,
      ];
      operation.responses = {
        '200': {
          description:
            'The priced bill: PriceBillAnswer at explain=full (the default), PriceBillSummaryAnswer at summary, PriceBillAmountsAnswer at none. An 837 body is answered as InterchangeAnswer (each claim priced at the level asked, the claims not priced, totals and the 999). With Accept: application/edi-x12, an 835 (005010X221A1) of the bill or of the claims priced (claims not priced are in the 999: ask for JSON, or POST the file to /v1/x12/acknowledgments).',
          content: {
            'application/json': { schema: ref(ok) },
            [X12_MEDIA_TYPE]: X12_835_ANSWER,
          },
        },
        '303': {
          ...answer(
            `The answer is larger than one response carries (its Lambda proxy result above ${MAX_INLINE_RESPONSE_BYTES} bytes, Lambda's 6 MB payload less a margin): it is stored whole, and Location (also url in the body) is a signed GET link to it, valid ${OVERSIZED_ANSWER_LINK_TTL_SECONDS / 60} minutes, that answers the complete answer at the explain level asked. The body carries the link, its expiry, the answer's size and the bill's totals. Follow it without your Authorization header. See docs/decisions/014-answer-size-policy.md.`,
            'StoredAnswer',
          ),
          headers: {
            Location: {
              description: 'The signed link to the stored answer',
              schema: { type: 'string', format: 'uri' },
            },
          },
        },
        ...errorResponses([400, ...auth, 406, 413, 415, 422]),
        '413': {
          description: `A bill of more than ${MAX_SYNC_LINES} lines (errors name the line list), or a body over 10 MB: price it with the bulk route, ${BULK_ROUTE}. An 837 of more than ${MAX_X12_SERVICE_LINES} service lines (errors name LX): split it.`,
          content: { 'application/json': { schema: ref('Error') } },
        },
      };
    } else if (route.id === 'AcknowledgeX12') {
      operation.requestBody = { required: true, content: { [X12_MEDIA_TYPE]: X12_837_BODY } };
      operation.parameters = [JURISDICTION_PARAMETER];
      operation.responses = {
        '200': {
          description:
            'The 837 read and checked as the price route reads it, without pricing: AcknowledgmentAnswer (each group and transaction set accepted, accepted with errors or rejected, with IK3/IK4 errors and the claim each is in, and the 999 itself), or with Accept: application/edi-x12 the 999 (005010X231A1).',
          content: {
            'application/json': { schema: ref(ok) },
            [X12_MEDIA_TYPE]: {
              schema: { type: 'string', description: 'A 999 implementation acknowledgment (005010X231A1).' },
            },
          },
        },
        ...errorResponses([400, ...auth, 406, 413, 415, 422]),
      };
    } else if (route.id === 'GetFeeSchedule') {
      operation.parameters = [
        pathParameter('jurisdiction', 'US-MEDICARE'),
        pathParameter('code', '99213'),
        ...Object.entries(fee.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
      ];
      operation.responses = {
        '200': answer('The fee', ok),
        ...errorResponses([400, ...auth, 404, 422]),
      };
    } else if (route.id === 'GetJurisdiction') {
      operation.parameters = [
        pathParameter(
          'id',
          'US-MEDICARE',
          'A state code, DC, US-OWCP or US-MEDICARE, in any case (GET /v1/jurisdictions lists them)',
        ),
      ];
      operation.responses = {
        '200': answer('The jurisdiction file, whole', ok),
        ...errorResponses([400, ...auth, 404]),
      };
    } else if (route.id === 'SubmitRecon') {
      operation.description =
        'Prices the bill, loads the latest stored sequence of its control number, computes the delta and stores the new sequence (the bill as sent, patient and claim data included, envelope-encrypted). The same sequence with the same content answers the stored result (200, outcome "replayed"); a sequence at or below the latest with other content is 409; a gap is accepted and recorded in missingSequences. A Recon takes any bill the price route takes: the bill, its priced form and the delta travel between the steps of the workflow through encrypted storage, never in the workflow state. An answer larger than 5,000,000 bytes (a few hundred fully explained lines) is stored, encrypted, for 15 minutes and answered with 303 See Other to a signed link (Location); follow it without your token. The body is at most 10 MB (413 beyond).';
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: { allOf: [{ $ref: '#/components/schemas/ReconFields' }, billOrClaim] },
          },
        },
      };
      operation.responses = {
        '201': answer(
          'Stored: the priced bill, the delta against the previous latest sequence and the history',
          ok,
        ),
        '200': answer('A resubmission: the stored result', ok),
        '303': {
          description:
            'The answer (201 or 200, see answerStatus) is larger than a synchronous answer may be: it is stored and Location is a signed link to it, valid until expiresAt',
          headers: {
            Location: { description: 'The signed link to the stored answer', schema: { type: 'string' } },
          },
          content: { 'application/json': { schema: ref('ReconAnswerLink') } },
        },
        ...errorResponses([400, ...auth, 409, 413, 415, 422]),
      };
    } else if (route.id === 'ListRecons') {
      operation.description =
        "The tenant's Recons (control number, latest sequence, sequences stored, the latest totals, time of the last change), most recently updated first, for delta sync: pass the newest updatedAt you hold as updatedSince (inclusive; overlap it by a few seconds, the index behind this listing is eventually consistent) and follow nextPageToken to the end. Clear data only: nothing is decrypted.";
      operation.parameters = [
        {
          name: 'updatedSince',
          in: 'query',
          required: false,
          schema: { type: 'string', format: 'date-time' },
          description:
            'An ISO-8601 instant with Z or an offset (422 otherwise): only Recons updated at or after it',
        },
        LIMIT_PARAMETER,
        pageTokenParameter(
          'nextPageToken of the previous page, with the same updatedSince (400 for a token of another query or tenant)',
        ),
      ];
      operation.responses = {
        '200': answer('One page of Recons, most recently updated first (clear data only)', ok),
        ...errorResponses([400, ...auth, 422]),
      };
    } else if (route.id === 'GetRecon' || route.id === 'GetReconSequence' || route.id === 'DeleteRecon') {
      operation.parameters = [
        controlNumber,
        ...(route.id === 'GetReconSequence'
          ? [
              {
                name: 'sequence',
                in: 'path',
                required: true,
                schema: { type: 'integer', minimum: 1, maximum: 9999 },
              },
            ]
          : []),
        ...(route.id === 'GetRecon'
          ? [LIMIT_PARAMETER, pageTokenParameter('nextPageToken of the previous page')]
          : []),
      ];
      operation.responses = {
        '200': answer(
          route.id === 'GetRecon'
            ? 'The latest sequence with its totals and delta, and a page of the stored sequences newest first (clear data only)'
            : route.id === 'GetReconSequence'
              ? 'One stored sequence, decrypted: the bill as sent, its priced form and its delta'
              : 'Deleted: every sequence and the pointer, with the encrypted data keys stored in them, and the stored ciphertext of large sequences',
          ok,
        ),
        ...(route.id === 'GetReconSequence'
          ? {
              '303': {
                description:
                  'The sequence (a few hundred fully explained lines) is larger than a synchronous answer may be: it is stored, encrypted, and Location is a signed link to it, valid until expiresAt (15 minutes), that answers the complete sequence (answerStatus 200). Follow it without your token.',
                headers: {
                  Location: {
                    description: 'The signed link to the stored answer',
                    schema: { type: 'string' },
                  },
                },
                content: { 'application/json': { schema: ref('ReconAnswerLink') } },
              },
            }
          : {}),
        ...errorResponses([400, ...auth, 404]),
      };
    } else if (route.id === 'RevokeSmartBill') {
      operation.parameters = [
        randomIdParameter('id', 'The page id: the 32 characters between smartbills/ and .html in the link'),
      ];
      operation.responses = {
        '200': answer('Withdrawn: the page key is deleted and the link shows a withdrawn notice', ok),
        ...errorResponses([400, ...auth, 404]),
      };
    } else if (route.id === 'CreateBatch') {
      operation.description =
        "Bulk repricing: creates a batch of this tenant awaiting its input and answers a signed link to PUT the file to (one bill a line, JSON lines; valid 15 minutes). The upload starts the batch: the file is split into chunks priced in parallel, and results.jsonl (one row an input line, in order) and summary.json are written. A line that is not a bill becomes an error row with its line number; it never stops the batch. Inputs and outputs are the customer's data: encrypted with KMS and kept for the Recon retention.";
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateBatchRequest' } } },
      };
      operation.responses = {
        '201': answer('Created: the batch id and the upload link', ok),
        ...errorResponses([400, ...auth, 413, 415, 422]),
      };
    } else if (route.id === 'GetAnalyticsKpis') {
      operation.description =
        "The caller's tenant's bill review KPIs, from the aggregate records its priced bills left (no PHI): bills, lines, billed, allowed, savings and savings rate, reductions by bucket, rule and reason code, unpriced lines and why, top codes and providers by billed and by savings. Months are months of service. In AWS the query runs in Athena; locally in DuckDB over the same Parquet layout.";
      operation.parameters = ANALYTICS_KPI_PARAMETERS;
      operation.responses = {
        '200': answer('The KPIs', ok),
        ...errorResponses([400, ...auth, 503]),
      };
    } else if (route.id === 'GetAnalyticsBenchmarks') {
      operation.description = `The distribution (percentiles 10, 25, 50, 75 and 90) of billed charges and allowed amounts per unit of one code across every tenant, published only where at least ${PUBLICATION_THRESHOLD.lines} lines from at least ${PUBLICATION_THRESHOLD.tenants} tenants stand behind it (otherwise peers.published is false and says why), and the caller's own distribution, always. Athena's percentiles are approximate (approx_percentile); DuckDB's locally are exact.`;
      operation.parameters = ANALYTICS_BENCHMARK_PARAMETERS;
      operation.responses = {
        '200': answer('The distributions', ok),
        ...errorResponses([400, ...auth, 503]),
      };
    } else if (route.id === 'DeleteAnalytics') {
      operation.description =
        "Deletes every analytics record of the caller's tenant (the tenant comes from the token). Records still in the delivery buffer may land after the call: the answer says so.";
      operation.responses = {
        '200': answer('Deleted: how many stored objects went', ok),
        ...errorResponses([...auth, 503]),
      };
    } else if (route.id === 'GetBatch') {
      operation.parameters = [randomIdParameter('id', 'The batch id POST /v1/batches answered')];
      operation.responses = {
        '200': answer('The state, the progress and, once succeeded, the result links', ok),
        ...errorResponses([400, ...auth, 404]),
      };
    } else {
      const descriptions: Record<string, string> = {
        ListJurisdictions: 'Every jurisdiction with its method, editions and sources',
        ListReasonCodes: 'The catalogue',
        Health: 'The API answers',
        OpenApi: 'This document',
      };
      operation.responses = {
        '200': answer(descriptions[route.id] ?? 'OK', ok),
        ...errorResponses(auth),
      };
    }
    operation.responses = { ...(operation.responses as object), ...otherErrors };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: "Workers' compensation bill review API",
      version: '0.1.0',
      description:
        'Reprices professional medical bills to the fee schedule line by line, with a reason code on every cent withheld and an explanation of every number. Money travels as strings with two decimals. Bodies are application/json (415 otherwise).',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        cognito: {
          type: 'oauth2',
          description:
            'Amazon Cognito access tokens. Machines use client credentials; people sign in with TOTP MFA.',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: Object.fromEntries(
                SCOPE_DESCRIPTIONS.map((s) => [`${RESOURCE_SERVER_ID}/${s.name}`, s.description]),
              ),
            },
          },
        },
      },
      schemas: {
        Bill: toJsonSchema(BillSchema, { errorMode: 'ignore' }),
        ProfessionalClaim: toJsonSchema(ProfessionalClaimSchema, { errorMode: 'ignore' }),
        FacilityBill: toJsonSchema(FacilityBillSchema, { errorMode: 'ignore' }),
        InstitutionalClaim: toJsonSchema(InstitutionalClaimSchema, { errorMode: 'ignore' }),
        ReconFields: toJsonSchema(ReconSubmissionSchema, { errorMode: 'ignore' }),
        CreateBatchRequest: toJsonSchema(CreateBatchInputSchema, { errorMode: 'ignore' }),
        ...Object.fromEntries(
          Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [name, responseJsonSchema(schema)]),
        ),
      },
    },
  };
}
