import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type NormalisedBill, normaliseBill } from '../../engine/bill/normalise.js';
import { priceBill } from '../../engine/price-bill.js';
import { openFeeIndex } from '../shared/fee-index.js';
import {
  httpErrors,
  jsonBody,
  jsonResponse,
  type LoggedContext,
  type ParsedBodyEvent,
  requestIdOf,
} from '../shared/http.js';

const index = openFeeIndex();

interface BillEvent extends ParsedBodyEvent {
  bill?: NormalisedBill;
}

/** Validates the parsed body into a normalised bill (422 with every field error). */
const validateBill: middy.MiddlewareObj<BillEvent, APIGatewayProxyResult, Error, LoggedContext> = {
  before: (request) => {
    request.event.bill = normaliseBill(request.event.parsedBody);
    request.context.logDetails = {
      lines: request.event.bill.lines.length,
      jurisdiction: request.event.bill.jurisdiction,
      codes: [...new Set(request.event.bill.lines.map((l) => l.code))].slice(0, 50),
    };
  },
};

/** POST /v1/bills/price: every line priced, with its adjustments and explanation. */
export const handler = middy<BillEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('PriceBill'))
  .use(jsonBody())
  .use(validateBill)
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const priced = priceBill(index, event.bill as NormalisedBill);
    return jsonResponse(200, { requestId, ...priced }, requestId);
  });
