import { toJsonSchema } from '@valibot/to-json-schema';
import { BillSchema, ProfessionalClaimSchema } from '../../engine/bill/schema.js';
import { BUCKETS } from '../../engine/priced-bill.js';
import { FeeScheduleQuerySchema } from '../get-fee-schedule/schema.js';
import { ReconSubmissionSchema } from '../recon-tasks/schema.js';
import { RESOURCE_SERVER_ID, ROUTES, SCOPE_DESCRIPTIONS } from '../shared/routes.js';

const money = { type: 'string', pattern: '^\\d+\\.\\d{2}$', examples: ['92.47'] };
const nullableMoney = { anyOf: [money, { type: 'null' }] };

const regulation = {
  type: 'object',
  properties: { citation: { type: 'string' }, url: { type: 'string', format: 'uri' } },
  required: ['citation', 'url'],
};

const explanationStep = {
  type: 'object',
  description: 'One step of the computation with its inputs, so a person can redo it by hand.',
  properties: {
    step: { type: 'string' },
    text: { type: 'string' },
    inputs: { type: 'object', additionalProperties: { type: 'string' } },
    result: { type: 'string' },
    source: {
      type: 'object',
      description: 'The official file and physical line the numbers come from.',
      properties: { file: { type: 'string' }, line: { type: 'integer' }, edition: { type: 'string' } },
    },
    regulation,
  },
  required: ['step', 'text'],
};

const adjustment = {
  type: 'object',
  description: 'One reduction, with every code an explanation of review needs.',
  properties: {
    bucket: { enum: [...BUCKETS] },
    amount: {
      type: 'string',
      pattern: '^-?\\d+\\.\\d{2}$',
      description: 'Withheld, two decimals; negative when an external value raised the allowance.',
    },
    internalCode: { type: 'string' },
    groupCode: { enum: ['CO', 'PR', 'OA', 'PI'] },
    carc: { type: 'string', description: 'X12 claim adjustment reason code' },
    rarc: { type: 'string', description: 'X12 remittance advice remark code' },
    stateCode: { type: 'string', description: "A state's own reason code, where one applies" },
    message: { type: 'string' },
    regulation,
    source: { type: 'string', description: 'Where an external value came from, as the request named it' },
  },
  required: ['bucket', 'amount', 'internalCode', 'groupCode', 'carc', 'message'],
};

const signedMoney = {
  type: 'string',
  pattern: '^-?\\d+\\.\\d{2}$',
  description: 'US dollars, two decimals; negative for a reduction.',
};

const buckets = {
  type: 'object',
  description:
    'The allowance by bucket: feeSchedule holds the fee schedule allowance (billed less what the fee schedule withheld), each later bucket its change (reductions negative); they sum to allowed.',
  properties: Object.fromEntries(BUCKETS.map((b) => [b, signedMoney])),
  required: [...BUCKETS],
};

const pricedLine = {
  type: 'object',
  properties: {
    lineNumber: { type: 'integer' },
    code: { type: 'string' },
    modifiers: { type: 'array', items: { type: 'string' } },
    dateOfService: { type: 'string', format: 'date' },
    units: { type: 'integer' },
    placeOfService: { type: 'string' },
    billed: money,
    status: {
      enum: ['priced', 'denied', 'unpriced'],
      description:
        'priced: paid at the fee schedule; denied: allowed 0.00 with a reason; unpriced: no amount (never guessed).',
    },
    feeSchedule: {
      anyOf: [
        {
          type: 'object',
          properties: {
            method: { enum: ['rbrvs', 'state-table', 'clfs', 'dmepos', 'nadac', 'anesthesia'] },
            unitAmount: money,
            amount: money,
            edition: { type: 'string' },
            setting: { enum: ['facility', 'non-facility'] },
            locality: { type: 'object' },
          },
        },
        { type: 'null' },
      ],
    },
    allowed: nullableMoney,
    withheld: nullableMoney,
    adjustments: { type: 'array', items: adjustment },
    buckets: {
      anyOf: [buckets, { type: 'null' }],
    },
    unpriced: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    explanation: { type: 'array', items: explanationStep },
    notices: { type: 'array', items: { type: 'string' } },
    rules: {
      type: 'array',
      description: 'Every bill review rule that looked at the line and what it decided.',
      items: {
        type: 'object',
        properties: {
          rule: { type: 'string' },
          decision: { enum: ['no-change', 'reduced', 'denied', 'flagged', 'not-adopted'] },
          message: { type: 'string' },
        },
        required: ['rule', 'decision'],
      },
    },
  },
  required: ['lineNumber', 'code', 'billed', 'status', 'allowed', 'adjustments', 'explanation', 'rules'],
};

const party = {
  type: 'object',
  properties: {
    npi: { type: 'string' },
    taxId: { type: 'string' },
    name: { type: 'string' },
    zip: { type: 'string' },
  },
};

const pricedBill = {
  type: 'object',
  properties: {
    requestId: { type: 'string' },
    billId: { type: 'string' },
    jurisdiction: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, method: { type: 'string' } },
    },
    billType: { const: 'professional' },
    location: { type: 'object', properties: { zip: { type: 'string' }, source: { type: 'string' } } },
    parties: {
      type: 'object',
      description:
        'Payer and providers as the bill named them, for the explanation of review (organisations only: the API takes no patient data).',
      properties: {
        payer: { type: 'object', properties: { name: { type: 'string' }, id: { type: 'string' } } },
        billingProvider: party,
        renderingProvider: party,
        serviceFacility: party,
      },
    },
    dates: {
      type: 'object',
      properties: {
        firstService: { type: 'string', format: 'date' },
        lastService: { type: 'string', format: 'date' },
        received: { type: 'string', format: 'date' },
      },
      required: ['firstService', 'lastService'],
    },
    lines: { type: 'array', items: pricedLine },
    totals: {
      type: 'object',
      properties: {
        billed: money,
        allowed: money,
        withheld: money,
        withheldByBucket: { type: 'object', additionalProperties: money },
        buckets,
        unpricedBilled: money,
        lines: { type: 'integer' },
        pricedLines: { type: 'integer' },
        deniedLines: { type: 'integer' },
        unpricedLines: { type: 'integer' },
      },
    },
    editions: {
      type: 'array',
      description: 'The editions of the official files that priced the bill, with their checksums.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          label: { type: 'string' },
          file: { type: 'string' },
          sha256: { type: 'string' },
          complete: { type: 'boolean' },
          sampled: { type: 'boolean' },
        },
      },
    },
    notices: { type: 'array', items: { type: 'string' } },
    smartBill: {
      type: 'object',
      description:
        "The bill's SmartBill page: every line's computation and the rules behind it, opened by typing the bill's total charge. The link is signed and works until `expiresAt`; the page is stored a fraction of a second after the answer (until then the link answers 404). POST /v1/bills/price only.",
      properties: {
        url: { type: 'string', format: 'uri' },
        expiresAt: { type: 'string', format: 'date-time' },
        qrCodeSvg: {
          type: 'string',
          description: 'The link as an SVG QR code, when the request said `"qrCode": true`.',
        },
      },
      required: ['url', 'expiresAt'],
    },
  },
  required: ['requestId', 'jurisdiction', 'lines', 'totals', 'editions'],
};

const feeAnswer = {
  type: 'object',
  properties: {
    requestId: { type: 'string' },
    amount: nullableMoney,
    status: { enum: ['priced', 'denied', 'unpriced'] },
    jurisdiction: { type: 'string' },
    code: { type: 'string' },
    modifier: { type: 'string' },
    date: { type: 'string', format: 'date' },
    dateDefaulted: { type: 'boolean' },
    setting: { enum: ['facility', 'non-facility'] },
    locality: { type: 'object' },
    edition: { type: 'string' },
    explanation: { type: 'array', items: explanationStep },
    notices: { type: 'array', items: { type: 'string' } },
  },
  required: ['amount', 'status', 'code', 'date', 'explanation'],
};

const errorBody = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    userMessage: { type: 'string' },
    developerMessage: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, errorMessage: { type: 'string' } },
        required: ['field', 'errorMessage'],
      },
    },
    requestId: { type: 'string' },
  },
  required: ['statusCode', 'userMessage', 'developerMessage', 'errors', 'requestId'],
};

const errorResponses = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description:
          {
            400: 'Malformed JSON',
            401: 'Missing or invalid access token',
            403: 'The token lacks the scope',
            404: 'Not found',
            409: 'Conflicts with what is stored (a Recon sequence at or below the latest with other content; latestSequence names it)',
            413: 'Body over 10 MB',
            422: 'Field errors',
          }[code] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

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
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const secured = route.scopes.length > 0;
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      ...(secured ? { security: [{ cognito: route.scopes.map((s) => s) }] } : { security: [] }),
    };
    if (route.id === 'PriceBill') {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: [
                { $ref: '#/components/schemas/Bill' },
                { $ref: '#/components/schemas/ProfessionalClaim' },
              ],
            },
          },
        },
      };
      operation.responses = {
        '200': {
          description: 'The priced bill',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/PricedBill' } } },
        },
        ...errorResponses([400, 401, 403, 413, 422]),
      };
    } else if (route.id === 'GetFeeSchedule') {
      operation.parameters = [
        {
          name: 'jurisdiction',
          in: 'path',
          required: true,
          schema: { type: 'string', examples: ['US-MEDICARE'] },
        },
        { name: 'code', in: 'path', required: true, schema: { type: 'string', examples: ['99213'] } },
        ...Object.entries(fee.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
      ];
      operation.responses = {
        '200': {
          description: 'The fee',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/FeeAnswer' } } },
        },
        ...errorResponses([401, 403, 404, 422]),
      };
    } else if (route.id === 'SubmitRecon') {
      operation.description =
        'Prices the bill, loads the latest stored sequence of its control number, computes the delta and stores the new sequence (the bill as sent, patient and claim data included, envelope-encrypted). The same sequence with the same content answers the stored result (200, outcome "replayed"); a sequence at or below the latest with other content is 409; a gap is accepted and recorded in missingSequences. A Recon carries at most about 45 fully explained lines (413 beyond).';
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/ReconFields' },
                {
                  oneOf: [
                    { $ref: '#/components/schemas/Bill' },
                    { $ref: '#/components/schemas/ProfessionalClaim' },
                  ],
                },
              ],
            },
          },
        },
      };
      operation.responses = {
        '201': {
          description:
            'Stored: the priced bill, the delta against the previous latest sequence and the history',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ReconAnswer' } } },
        },
        '200': {
          description: 'A resubmission: the stored result',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ReconAnswer' } } },
        },
        ...errorResponses([400, 401, 403, 409, 413, 422]),
      };
    } else if (route.id === 'GetRecon' || route.id === 'GetReconSequence' || route.id === 'DeleteRecon') {
      operation.parameters = [
        {
          name: 'controlNumber',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
        },
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
          ? [
              {
                name: 'limit',
                in: 'query',
                required: false,
                schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
              },
              {
                name: 'pageToken',
                in: 'query',
                required: false,
                schema: { type: 'string' },
                description: 'nextPageToken of the previous page',
              },
            ]
          : []),
      ];
      operation.responses = {
        '200': {
          description:
            route.id === 'GetRecon'
              ? 'The latest sequence with its totals and delta, and a page of the stored sequences newest first (clear data only)'
              : route.id === 'GetReconSequence'
                ? 'One stored sequence, decrypted: the bill as sent, its priced form and its delta'
                : 'Deleted: every sequence and the pointer, with the encrypted data keys stored in them',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        ...errorResponses([400, 401, 403, 404]),
      };
    } else if (route.id === 'ListReasonCodes') {
      operation.responses = {
        '200': {
          description: 'The catalogue',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ReasonCodeList' } } },
        },
        ...errorResponses([401, 403]),
      };
    } else {
      operation.responses = {
        '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      };
    }
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: "Workers' compensation bill review API",
      version: '0.1.0',
      description:
        'Reprices professional medical bills to the fee schedule line by line, with a reason code on every cent withheld and an explanation of every number. Money travels as strings with two decimals.',
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
        PricedBill: pricedBill,
        ReconFields: toJsonSchema(ReconSubmissionSchema, { errorMode: 'ignore' }),
        ReconAnswer: {
          type: 'object',
          properties: {
            requestId: { type: 'string' },
            controlNumber: { type: 'string' },
            sequence: { type: 'integer' },
            outcome: { enum: ['stored', 'replayed'] },
            storedAt: { type: 'string', format: 'date-time' },
            missingSequences: {
              type: 'array',
              items: { type: 'integer' },
              description: 'Sequences skipped before this one',
            },
            priced: { $ref: '#/components/schemas/PricedBill' },
            delta: {
              type: 'object',
              description:
                'Against the previous latest sequence: per line (matched by line number where the service is the same, then by code, date and modifiers) and per bucket; total is signed (positive: additional amount due; negative: overpayment)',
              properties: {
                againstSequence: { type: ['integer', 'null'] },
                total: { type: 'string' },
                direction: { enum: ['additional-payment', 'overpayment', 'no-change'] },
                additionalAmountDue: { type: 'string' },
                overpayment: { type: 'string' },
                lines: { type: 'array', items: { type: 'object' } },
                counts: { type: 'object' },
                totals: { type: 'object' },
              },
            },
            history: {
              type: 'object',
              properties: { latestSequence: { type: 'integer' }, sequencesStored: { type: 'integer' } },
            },
          },
        },
        FeeAnswer: feeAnswer,
        JurisdictionList: {
          type: 'object',
          properties: {
            requestId: { type: 'string' },
            jurisdictions: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  name: { type: 'string' },
                  method: {
                    enum: [
                      'state-table',
                      'rbrvs-state-cf',
                      'percent-of-medicare',
                      'medicare-fallback',
                      'medicare',
                    ],
                  },
                  missing: {
                    type: 'string',
                    description: 'What schedule we do not hold (medicare-fallback)',
                  },
                  editions: { type: 'array', items: { type: 'object' } },
                  sources: { type: 'array', items: { type: 'object' } },
                },
                required: ['id', 'method', 'editions', 'sources'],
              },
            },
          },
        },
        ReasonCodeList: {
          type: 'object',
          properties: {
            requestId: { type: 'string' },
            reasonCodes: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  internalCode: { type: 'string' },
                  groupCode: { enum: ['CO', 'PR', 'OA', 'PI'] },
                  carc: { type: 'string', description: 'X12 claim adjustment reason code' },
                  rarc: { type: 'string', description: 'X12 remittance advice remark code' },
                  text: { type: 'string', description: 'Our own short wording' },
                  mappingSource: { type: 'string', description: 'Why the CARC (and RARC) fit' },
                  stateCodes: {
                    type: 'object',
                    description:
                      "A state's own reason code by jurisdiction id, where a state publication maps this reason to one (California's DWC bill adjustment reason codes); adjustments on that jurisdiction's bills carry it as stateCode",
                    additionalProperties: {
                      type: 'object',
                      properties: {
                        code: { type: 'string' },
                        issue: { type: 'string' },
                        source: {
                          type: 'object',
                          properties: { citation: { type: 'string' }, url: { type: 'string' } },
                        },
                      },
                    },
                  },
                },
                required: ['internalCode', 'groupCode', 'carc', 'text', 'mappingSource'],
              },
            },
          },
        },
        Error: errorBody,
      },
    },
  };
}
