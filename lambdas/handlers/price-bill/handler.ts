import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { keepsRecords, lineComparisons, withComparisons } from '../../app/analytics/pricing.js';
import type { AnalyticsLineRecord } from '../../app/analytics/record.js';
import { analyticsRecordsOf, renderingNpisOf } from '../../app/analytics/records.js';
import { answerWithinLimit, refuseUnanswerableBill } from '../../app/answers/size-policy.js';
import type { SmartBillLink } from '../../app/smartbill/service.js';
import { tenantOf } from '../../app/tenant.js';
import type { X12RequestOptions } from '../../app/x12/answers.js';
import { lineCodes, type NormalisedAnyBill, normaliseRequest } from '../../engine/bill/normalise-request.js';
import { answerAt, type ExplainLevel } from '../../engine/explain.js';
import { type PricedAnswer, pricedBillAt } from '../../engine/price-request.js';
import type { PricedBill } from '../../engine/priced-bill.js';
import {
  logFailure,
  loggableCodes,
  loggableJurisdiction,
  loggableRequestId,
} from '../../observability/logger.js';
import { recordPricedBill } from '../../observability/powertools.js';
import { paymentDetailsFrom } from '../../x12/payment.js';
import { analyticsWriterFrom } from '../shared/analytics-deps.js';
import { answerSizePolicyFrom } from '../shared/answer-size-deps.js';
import { openFeeIndex } from '../shared/fee-index.js';
import {
  answerMediaType,
  type BillBodyEvent,
  billBody,
  httpErrors,
  type LoggedContext,
  requestIdOf,
  textResponse,
  tokenClaimsOf,
  X12_MEDIA_TYPE,
} from '../shared/http.js';
import { smartBillLinksFrom } from '../shared/smartbill-deps.js';
import { explainLevelOf, x12JurisdictionOf } from './schema.js';

const index = openFeeIndex();
/** Null in a deployment without SmartBill (a bare handler test); CDK and `npm start` configure it. */
const smartBills = smartBillLinksFrom(process.env);
/** Where an answer too large for one response goes (decision 014); the SDK loads on first use. */
const sizePolicy = answerSizePolicyFrom(process.env);
/** Where priced bills' analytics records go, and the peers' snapshot (issue 19); null without analytics. */
const analytics = analyticsWriterFrom(process.env);

/** Told to the client when the page could not be prepared; the bill is priced all the same. */
export const SMARTBILL_UNAVAILABLE_NOTICE =
  'The SmartBill page could not be prepared for this answer; price the bill again for a link.';

/**
 * The X12 use cases, loaded on the first X12 request: their reader library (node-x12) stays out of
 * the function's cold start, which JSON bills, most of the traffic, never need (issue 17, 4(d)).
 */
const x12 = () => import('../../app/x12/answers.js');

/** The media types the route answers in, its default first (issue 18). */
const ANSWER_TYPES = ['application/json', X12_MEDIA_TYPE] as const;

interface BillEvent extends BillBodyEvent {
  bill?: NormalisedAnyBill;
  /** The request's `qrCode` (validated with the bill). */
  qrCode?: boolean;
  /** The request's `compare` (validated with the bill): each line compared with its peers. */
  compare?: boolean;
  /** The answer's explanation level: the `explain` query parameter or the bill's field. */
  explain?: ExplainLevel;
  /** What the answer is written as: JSON, or an 835 (`Accept: application/edi-x12`). */
  answerType?: (typeof ANSWER_TYPES)[number];
  /** The X12 parts of the request: jurisdiction and payment details (query parameters). */
  x12?: Pick<X12RequestOptions, 'jurisdiction' | 'payment'>;
}

/**
 * Checks the request before any pricing: the answer's media type (406), the payment details and
 * the jurisdiction of an X12 request (422), and a JSON bill (413 past 999 lines, 422 with every
 * field error).
 */
const validateBill: middy.MiddlewareObj<BillEvent, APIGatewayProxyResult, Error, LoggedContext> = {
  before: (request) => {
    const { event } = request;
    event.answerType = answerMediaType(event.headers, ANSWER_TYPES) as BillEvent['answerType'];
    const payment = paymentDetailsFrom(event.queryStringParameters);
    if (event.x12Body !== undefined) {
      const jurisdiction = x12JurisdictionOf(event);
      event.explain = explainLevelOf(event, undefined);
      event.x12 = {
        ...(jurisdiction === undefined ? {} : { jurisdiction }),
        ...(payment === undefined ? {} : { payment }),
      };
      const logged = loggableJurisdiction(jurisdiction);
      request.context.logDetails = logged === undefined ? {} : { jurisdiction: logged };
      return;
    }
    event.x12 = payment === undefined ? {} : { payment };
    // More lines than one request prices: 413 naming the bulk route, before any normalisation.
    refuseUnanswerableBill(event.parsedBody);
    event.bill = normaliseRequest(event.parsedBody);
    event.qrCode = (event.parsedBody as { qrCode?: unknown }).qrCode === true;
    event.compare = (event.parsedBody as { compare?: unknown }).compare === true;
    event.explain = explainLevelOf(event, event.parsedBody);
    // The bill's jurisdiction is any text until it is priced: only one we know is logged.
    const jurisdiction = loggableJurisdiction(event.bill.jurisdiction);
    request.context.logDetails = {
      lines: event.bill.lines.length,
      ...(jurisdiction === undefined ? {} : { jurisdiction }),
      codes: loggableCodes(lineCodes(event.bill)),
    };
  },
};

/** The claims of an interchange priced: one metric each, and their lines and codes on the request's log line. */
function logPriced(context: LoggedContext, answers: readonly PricedAnswer[]): void {
  for (const answer of answers) recordPricedBill(answer);
  context.logDetails = {
    ...context.logDetails,
    lines: answers.reduce((n, a) => n + a.lines.length, 0),
    codes: loggableCodes(answers.flatMap((a) => a.lines.map((l) => l.code))),
  };
}

/**
 * An 837 interchange (`Content-Type: application/edi-x12`): every claim priced as a JSON bill is,
 * answered as JSON (each claim's priced bill, the claims rejected and the 999) or as an 835
 * (`Accept: application/edi-x12`). No SmartBill pages: an interchange of hundreds of claims would
 * render hundreds (decision 017). Claims are PHI: the log line carries counts and codes only.
 */
async function answerInterchange(
  event: BillEvent,
  context: LoggedContext,
  options: X12RequestOptions,
  tenantId: string | null,
): Promise<APIGatewayProxyResult> {
  const text = event.x12Body as string;
  const { interchangeAnswer, interchangeRemittance } = await x12();
  if (event.answerType === X12_MEDIA_TYPE) {
    const remitted = interchangeRemittance(index, text, options);
    logPriced(context, remitted.priced);
    return textResponse(200, remitted.x12, X12_MEDIA_TYPE, options.requestId);
  }
  const answer = interchangeAnswer(index, text, options);
  logPriced(
    context,
    answer.claims.map((c) => c.bill),
  );
  return answerWithinLimit(sizePolicy, {
    requestId: options.requestId,
    tenantId,
    answer,
    summary: { totals: answer.totals },
  });
}

/**
 * POST /v1/bills/price: every line priced, with its adjustments and explanation at the level asked
 * (`explain`: full, summary or none), and the signed link to its SmartBill page (rendered while the
 * answer travels; see app/smartbill/ports.ts). The page always explains in full, so with SmartBill
 * the bill is priced in full once and the answer is cut from it; without, the engine prices at the
 * level asked, which skips the text the answer would drop. A bill of more than 999 lines is 413; an
 * answer above Lambda's 6 MB payload is stored and answered 303 to a signed link
 * (app/answers/size-policy.ts, docs/decisions/014-answer-size-policy.md). Claims come as JSON or as
 * an X12 837; the answer is JSON or an X12 835 (issue 18, docs/decisions/017 and 018).
 */
export const handler = middy<BillEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('PriceBill'))
  .use(billBody())
  .use(validateBill)
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const explain = event.explain ?? 'full';
    // From the token only: whose page (DELETE /v1/smartbills/{id}) and whose stored answer it is.
    const tenantId = tenantOf(tokenClaimsOf(event));
    const x12Options: X12RequestOptions = {
      requestId,
      explain,
      at: new Date(),
      ...event.x12,
      ...(tenantId === null ? {} : { tenant: tenantId }),
    };
    // The token's tenant prices the bill: its contracts apply (issue 20).
    const pricing = tenantId === null ? undefined : { tenant: tenantId };
    const recording = analytics?.recording ?? null;
    const records = keepsRecords(recording, tenantId, event.parsedBody);
    const compare = event.compare === true;
    const sending: Promise<void>[] = [];
    /**
     * Prices a bill (its text skipped as `level` drops it) and makes its analytics records when
     * they are kept or compared (every level keeps what a record reads); kept ones are sent while
     * the answer is prepared (the sink never throws). The caller counts the bill in the metrics
     * (an interchange counts its claims once).
     */
    const priceWithRecords = (bill: NormalisedAnyBill, level: ExplainLevel) => {
      const started = performance.now();
      const priced = pricedBillAt(index, bill, level, pricing);
      const pricingMs = performance.now() - started;
      let lineRecords: AnalyticsLineRecord[] | null = null;
      if (records || compare) {
        lineRecords = analyticsRecordsOf(priced, {
          tenant: tenantId ?? '',
          pricedAt: new Date(),
          pricingMs,
          renderingNpis: renderingNpisOf(bill, priced),
        });
        if (records && recording !== null) sending.push(recording.sink.put(lineRecords));
      }
      return { priced, lineRecords };
    };
    const sent = () => Promise.all(sending);
    if (event.x12Body !== undefined) {
      // Each claim keeps its records as a JSON bill does: priced at its level, the answer cut from the bill.
      const price = records
        ? (bill: NormalisedAnyBill, level: ExplainLevel) =>
            answerAt(priceWithRecords(bill, level).priced, level)
        : undefined;
      const answer = await answerInterchange(
        event,
        context,
        { ...x12Options, ...(price ? { price } : {}) },
        tenantId,
      );
      await sent();
      return answer;
    }
    const bill = event.bill as NormalisedAnyBill;
    if (event.answerType === X12_MEDIA_TYPE) {
      // An 835 reads each line's date and the facility's dates: the full answer carries them.
      const { priced } = priceWithRecords(bill, 'full');
      recordPricedBill(priced);
      const { billRemittance } = await x12();
      const remittance = billRemittance(priced, x12Options);
      await sent();
      return textResponse(200, remittance, X12_MEDIA_TYPE, requestId);
    }
    // An answer above Lambda's payload limit is stored and answered 303 (decision 014).
    const respond = (body: object, totals: PricedBill['totals']) =>
      answerWithinLimit(sizePolicy, { requestId, tenantId, answer: body, summary: { totals } });
    // The page reads the full bill: priced in full once, the answer cut from it; without a page the
    // engine skips the text the level drops, and the records read the same amounts and decisions.
    const { priced, lineRecords } = priceWithRecords(bill, smartBills === null ? explain : 'full');
    recordPricedBill(priced);
    let answer = answerAt(priced, explain);
    if (compare && lineRecords !== null) {
      const snapshot = (await analytics?.peers.current()) ?? null;
      answer = withComparisons(answer, lineComparisons(snapshot, lineRecords));
    }
    if (smartBills === null) {
      await sent();
      return respond({ requestId, ...answer }, priced.totals);
    }
    let smartBill: SmartBillLink;
    try {
      smartBill = await smartBills.link(priced, { qrCode: event.qrCode === true, tenantId });
    } catch (error) {
      // A store or key outage must not cost the client its priced bill: answer it, say so, log it.
      logFailure({ requestId: loggableRequestId(requestId), route: 'PriceBill' }, error);
      await sent();
      return respond(
        {
          requestId,
          ...answer,
          notices: [...('notices' in answer ? answer.notices : []), SMARTBILL_UNAVAILABLE_NOTICE],
        },
        priced.totals,
      );
    }
    await sent();
    return respond({ requestId, ...answer, smartBill }, priced.totals);
  });
