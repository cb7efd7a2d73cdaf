import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { answerWithinLimit, refuseUnanswerableBill } from '../../app/answers/size-policy.js';
import type { SmartBillLink } from '../../app/smartbill/service.js';
import { type TokenClaims, tenantOf } from '../../app/tenant.js';
import { lineCodes, type NormalisedAnyBill, normaliseRequest } from '../../engine/bill/normalise-request.js';
import { answerAt, type ExplainLevel } from '../../engine/explain.js';
import { priceRequest } from '../../engine/price-request.js';
import type { PricedBill } from '../../engine/priced-bill.js';
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
import { explainLevelOf } from './schema.js';

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
  /** The answer's explanation level: the `explain` query parameter or the bill's field. */
  explain?: ExplainLevel;
}

/** Validates the parsed body into a normalised bill (422 with every field error). */
const validateBill: middy.MiddlewareObj<BillEvent, APIGatewayProxyResult, Error, LoggedContext> = {
  before: (request) => {
    // More lines than one request prices: 413 naming the bulk route, before any normalisation.
    refuseUnanswerableBill(request.event.parsedBody);
    request.event.bill = normaliseRequest(request.event.parsedBody);
    request.event.qrCode = (request.event.parsedBody as { qrCode?: unknown }).qrCode === true;
    request.event.explain = explainLevelOf(request.event, request.event.parsedBody);
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
 * POST /v1/bills/price: every line priced, with its adjustments and explanation at the level asked
 * (`explain`: full, summary or none), and the signed link to its SmartBill page (rendered while the
 * answer travels; see app/smartbill/ports.ts). The page always explains in full, so with SmartBill
 * the bill is priced in full once and the answer is cut from it; without, the engine prices at the
 * level asked, which skips the text the answer would drop. A bill of more than 999 lines is 413; an
 * answer above Lambda's 6 MB payload is stored and answered 303 to a signed link
 * (app/answers/size-policy.ts, docs/decisions/014-answer-size-policy.md).
 */
export const handler = middy<BillEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('PriceBill'))
  .use(jsonBody())
  .use(validateBill)
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const explain = event.explain ?? 'full';
    // From the token only: whose page (DELETE /v1/smartbills/{id}) and whose stored answer it is.
    const tenantId = tenantOf((event.requestContext?.authorizer as { claims?: TokenClaims } | null)?.claims);
    // An answer above Lambda's payload limit is stored and answered 303 (decision 014).
    const respond = (body: object, totals: PricedBill['totals']) =>
      answerWithinLimit(sizePolicy, { requestId, tenantId, answer: body, summary: { totals } });
    if (smartBills === null) {
      const answer = priceRequest(index, event.bill as NormalisedAnyBill, { explain });
      recordPricedBill(answer);
      return respond({ requestId, ...answer }, answer.totals);
    }
    const priced = priceRequest(index, event.bill as NormalisedAnyBill);
    recordPricedBill(priced);
    const answer = answerAt(priced, explain);
    let smartBill: SmartBillLink;
    try {
      smartBill = await smartBills.link(priced, { qrCode: event.qrCode === true, tenantId });
    } catch (error) {
      // A store or key outage must not cost the client its priced bill: answer it, say so, log it.
      logFailure({ requestId: loggableRequestId(requestId), route: 'PriceBill' }, error);
      return respond(
        {
          requestId,
          ...answer,
          notices: [...('notices' in answer ? answer.notices : []), SMARTBILL_UNAVAILABLE_NOTICE],
        },
        priced.totals,
      );
    }
    return respond({ requestId, ...answer, smartBill }, priced.totals);
  });
