import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getSequence } from '../../app/recon/service.js';
import { answerByLink, MAX_SYNC_RECON_ANSWER_BYTES, reconAnswerFits } from '../../app/recon/submit.js';
import { maxInlineBytes } from '../shared/answer-size-deps.js';
import { httpErrors, jsonResponse, type LoggedContext, requestIdOf } from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';
import { reconDependencies, reconOversizedAnswersFrom } from '../shared/recon-deps.js';
import { reconTarget, sequenceFromPath } from '../shared/recon-request.js';

const deps = reconDependencies();
// A sequence of 999 lines with external values (the bill as sent, its priced form and its delta)
// passes Lambda's 6 MB: it is stored as the Recon front step stores its large answers, on the Recon
// bodies bucket's answers/ prefix under the Recon bodies key (it holds PHI: never the price route's
// bucket), and answered 303 to a signed link.
const answers = reconOversizedAnswersFrom();
const maxInline = maxInlineBytes();

/**
 * GET /v1/recons/{controlNumber}/sequences/{sequence}: one stored sequence, decrypted; 303 See
 * Other to a signed link when it is larger than a synchronous answer may be.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('GetReconSequence'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const { tenant, controlNumber } = reconTarget(event);
    const sequence = sequenceFromPath(pathParameter(event, 'sequence'));
    const stored = await getSequence(deps, tenant, controlNumber, sequence);
    const answer = jsonResponse(200, { requestId, ...stored }, requestId);
    if (reconAnswerFits(answer, Math.min(MAX_SYNC_RECON_ANSWER_BYTES, maxInline), maxInline)) return answer;
    return answerByLink(answers, { tenant, requestId, answer });
  });
