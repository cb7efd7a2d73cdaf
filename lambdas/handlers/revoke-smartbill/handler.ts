import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { revokeSmartBill } from '../../app/smartbill/service.js';
import { NotFoundError } from '../../engine/errors.js';
import { PAGE_ID_PATTERN } from '../../smartbill/gate.js';
import {
  BadRequestError,
  httpErrors,
  jsonResponse,
  type LoggedContext,
  requestIdOf,
  requireTenant,
} from '../shared/http.js';
import { pathParameter } from '../shared/path-parameters.js';
import { smartBillRenderPortsFrom } from '../shared/smartbill-deps.js';

/** Built on first use, so that loading the module (the route table's tests do) needs no configuration. */
let ports: ReturnType<typeof smartBillRenderPortsFrom> | undefined;

/**
 * DELETE /v1/smartbills/{id}: the tenant that priced the bill withdraws its SmartBill page. The
 * page key is removed from the gate record (no copy of the page opens again) and the stored page is
 * replaced by a notice that it was withdrawn. Another tenant's page and an unknown id are both 404,
 * so an id tells a caller nothing about pages that are not theirs.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, LoggedContext>()
  .use(httpErrors('RevokeSmartBill'))
  .handler(async (event, context) => {
    const requestId = requestIdOf(event, context);
    const tenant = requireTenant(event);
    const id = pathParameter(event, 'id');
    if (!PAGE_ID_PATTERN.test(id)) {
      throw new BadRequestError('The SmartBill id cannot be one.', [
        {
          field: 'id',
          errorMessage: 'must be the 32 letters, digits, - or _ between smartbills/ and .html in the link',
        },
      ]);
    }
    ports ??= smartBillRenderPortsFrom(process.env);
    if (!(await revokeSmartBill(ports, id, tenant))) {
      throw new NotFoundError('No SmartBill page of this tenant has that id.');
    }
    return jsonResponse(200, { requestId, id, revoked: true }, requestId);
  });
