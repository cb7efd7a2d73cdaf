import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SMARTBILL_UNLOCK_PATTERN } from '../../app/smartbill/ports.js';
import { answerUnlock, MAX_UNLOCK_BODY_BYTES, UnlockRateLimiter } from '../../app/smartbill/unlock.js';
import { loggableRequestId, logRequest } from '../../observability/logger.js';
import { recordSmartBillUnlock } from '../../observability/powertools.js';
import { smartBillGateFrom } from '../shared/smartbill-deps.js';

const gate = smartBillGateFrom(process.env);
/** A per-instance brake; the WAF rate-based rule on the distribution holds across instances. */
const limiter = new UnlockRateLimiter();

/**
 * The SmartBill unlock endpoint (decision 009): a Lambda function URL with IAM auth, reached only
 * through the CloudFront behaviour `smartbills/*.unlock`, which checks the page link's signature
 * (trusted key group) and signs the origin request (origin access control). It answers the page
 * key for the bill's total charge and counts the attempts (app/smartbill/unlock.ts).
 *
 * @param event - the function URL event (payload format 2.0)
 * @returns the JSON answer
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const started = performance.now();
  const match = SMARTBILL_UNLOCK_PATTERN.exec(event.rawPath ?? '');
  const method = event.requestContext?.http?.method;
  let answer: { statusCode: number; headers: Readonly<Record<string, string>>; body: string };
  if (match === null || method !== 'POST') {
    answer = {
      statusCode: 404,
      headers: { 'content-type': 'application/json' },
      body: '{"status":"not-found"}',
    };
  } else {
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    // CloudFront puts the viewer first in X-Forwarded-For; the function URL's sourceIp is CloudFront.
    const client = (event.headers?.['x-forwarded-for'] ?? event.requestContext?.http?.sourceIp ?? '')
      .split(',')[0]
      ?.trim();
    answer = await answerUnlock(
      { store: gate, now: () => new Date(), limiter },
      {
        pageId: match[1] as string,
        client: client ?? '',
        body: body.length > MAX_UNLOCK_BODY_BYTES * 4 ? '' : body,
      },
    );
  }
  // 200 opened it, 403 a wrong amount with tries left, 423 the page is locked (this attempt locked
  // it, or it was already): the metrics the unlock alarms and dashboards read (observability/powertools.ts).
  if (answer.statusCode === 200) recordSmartBillUnlock('unlocked');
  else if (answer.statusCode === 403) recordSmartBillUnlock('wrong-amount');
  else if (answer.statusCode === 423) recordSmartBillUnlock('locked-out');
  // Metadata only: never the page id (the link's capability), the amount or the key.
  logRequest({
    requestId: loggableRequestId(event.requestContext?.requestId ?? 'unknown'),
    route: 'UnlockSmartBill',
    statusCode: answer.statusCode,
    latencyMs: Math.round(performance.now() - started),
  });
  return { statusCode: answer.statusCode, headers: { ...answer.headers }, body: answer.body };
}
