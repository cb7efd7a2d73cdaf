import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { answerWithinLimit, refuseUnanswerableBill } from '../../app/answers/size-policy.js';
import type { SmartBillLink } from '../../app/smartbill/service.js';
import { type TokenClaims, tenantOf } from '../../app/tenant.js';
import { lineCodes, type NormalisedAnyBill, normaliseRequest } from '../../engine/bill/normalise-request.js';
import { priceRequest } from '../../engine/price-request.js';
import {
  logFailure,
  loggableCodes,
  loggableJurisdiction,
  loggableRequestId,
} from '../../observability/logger.js';
import { recordPricedBill } from '../../observability/powertools.js';
import { answerSizePolicyFrom } from '../shared/answer-size-deps.js';
import { openFeeIndex } from '../shared/fee-index.js';
import {
  httpErrors,
  jsonBody,
  type LoggedContext,
  type ParsedBodyEvent,
  requestIdOf,
} from '../shared/http.js';
import { smartBillLinksFrom } from '../shared/smartbill-deps.js';

const index = openFeeIndex();
/** Null in a deployment without SmartBill (a bare handler test); CDK and `npm start` configure it. */
const smartBills = smartBillLinksFrom(process.env);
/** Where an answer too large for one response goes (decision 014); the SDK loads on first use. */
const sizePolicy = answerSizePolicyFrom(process.env);

/** Told to the client when the page could not be prepared; the bill is priced all the same. */
export const SMARTBILL_UNAVAILABLE_NOTICE =
  'The SmartBill page could not be prepared for this answer; price the bill again for a link.';

interface BillEvent extends ParsedBodyEvent {
  bill?: NormalisedAnyBill;
  /** The request's `qrCode` (validated with the bill). */
  qrCode?: boolean;
}

/** Validates the parsed body into a normalised bill (422 with every field error). */
const validateBill: middy.MiddlewareObj<BillEvent, APIGatewayProxyResult, Error, LoggedContext> = {
  before: (request) => {
    // More lines than one request prices: 413 naming the bulk route, before any normalisation.
    refuseUnanswerableBill(request.event.parsedBody);
    request.event.bill = normaliseRequest(request.event.parsedBody);
    request.event.qrCode = (request.event.parsedBody as { qrCode?: unknown }).qrCode === true;
    // The bill's jurisdiction is any text until it is priced: only one we know is logged.
    const jurisdiction = loggableJurisdiction(request.event.bill.jurisdiction);
    request.context.logDetails = {
      lines: request.event.bill.lines.length,
      ...(jurisdiction === undefined ? {} : { jurisdiction }),
      codes: loggableCodes(lineCodes(request.event.bill)),
    };
  },
};

/**
 * POST /v1/bills/price: every line priced, with its adjustments and explanation, and the signed
 * link to its SmartBill page (rendered while the answer travels; see app/smartbill/ports.ts). A
 * bill of more than 999 lines is 413; an answer above Lambda's 6 MB payload is stored and answered
 * 303 to a signed link (app/answers/size-policy.ts, docs/decisions/014-answer-size-policy.md).
 */
export const handler = middy<BillEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('PriceBill'))
  .use(jsonBody())
  .use(validateBill)
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const priced = priceRequest(index, event.bill as NormalisedAnyBill);
    recordPricedBill(priced);
    // From the token only: whose page (DELETE /v1/smartbills/{id}) and whose stored answer it is.
    const tenantId = tenantOf((event.requestContext?.authorizer as { claims?: TokenClaims } | null)?.claims);
    // An answer above Lambda's payload limit is stored and answered 303 (decision 014).
    const answer = (body: object) =>
      answerWithinLimit(sizePolicy, {
        requestId,
        tenantId,
        answer: body,
        summary: { totals: priced.totals },
      });
    if (smartBills === null) return answer({ requestId, ...priced });
    let smartBill: SmartBillLink;
    try {
      smartBill = await smartBills.link(priced, { qrCode: event.qrCode === true, tenantId });
    } catch (error) {
      // A store or key outage must not cost the client its priced bill: answer it, say so, log it.
      logFailure({ requestId: loggableRequestId(requestId), route: 'PriceBill' }, error);
      return answer({ requestId, ...priced, notices: [...priced.notices, SMARTBILL_UNAVAILABLE_NOTICE] });
    }
    return answer({ requestId, ...priced, smartBill });
  });
