import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { interchangeAcknowledgment } from '../../app/x12/answers.js';
import { x12JurisdictionOf } from '../price-bill/schema.js';
import {
  answerMediaType,
  type BillBodyEvent,
  billBody,
  httpErrors,
  jsonResponse,
  type LoggedContext,
  requestIdOf,
  textResponse,
  UnsupportedMediaTypeError,
  X12_MEDIA_TYPE,
} from '../shared/http.js';

/** The media types the route answers in, its default first. */
const ANSWER_TYPES = ['application/json', X12_MEDIA_TYPE] as const;

/**
 * POST /v1/x12/acknowledgments: an 837 interchange checked as the price route reads it (envelope,
 * segments, every claim's fields and jurisdiction) without pricing, answered as the 999
 * (`Accept: application/edi-x12`) or as JSON (each group's and set's status with its errors, and
 * the 999 itself). A file that is not one readable interchange is a 400 naming the segment and
 * element. Claims are PHI: the log line carries the route, status and latency only.
 */
export const handler = middy<BillBodyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('AcknowledgeX12'))
  .use(billBody())
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const answerType = answerMediaType(event.headers, ANSWER_TYPES);
    if (event.x12Body === undefined) {
      throw new UnsupportedMediaTypeError(
        'This operation acknowledges X12 837 interchanges: send the file as application/edi-x12.',
        [X12_MEDIA_TYPE],
      );
    }
    const jurisdiction = x12JurisdictionOf(event);
    const ack = interchangeAcknowledgment(event.x12Body, {
      requestId,
      at: new Date(),
      ...(jurisdiction === undefined ? {} : { jurisdiction }),
    });
    if (answerType === X12_MEDIA_TYPE) return textResponse(200, ack.x12, X12_MEDIA_TYPE, requestId);
    return jsonResponse(200, { requestId, ...ack }, requestId);
  });
