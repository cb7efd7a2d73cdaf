import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { errorResult } from '../../../lambdas/app/answers.js';
import { ErrorBodySchema } from '../../../lambdas/handlers/shared/response-schemas.js';
import { readInterchange } from '../../../lambdas/x12/read.js';
import { professional837 } from '../../support/x12-837.js';

describe('errorResult for an X12 file we cannot read', () => {
  it('is a 400 naming the segment, its position and the element, in the documented error body', () => {
    const text = professional837([[{ id: 'C1', state: 'DE', lines: [{ code: '99214', charge: '10.00' }] }]]);
    let thrown: unknown;
    try {
      readInterchange(text.replace('GE*1*7', 'GE*2*7'));
    } catch (error) {
      thrown = error;
    }
    const result = errorResult(thrown, 'req-1');
    expect(result.statusCode).toBe(400);
    const body = JSON.parse(result.body);
    expect(v.safeParse(ErrorBodySchema, body).success).toBe(true);
    expect(body.errors).toEqual([
      {
        field: 'GE01',
        errorMessage: 'says 2 transaction sets; the group has 1',
        segment: 'GE',
        position: body.errors[0].position,
        element: 1,
      },
    ]);
    // GE is the last segment but one: its position counts every segment of the file.
    expect(body.errors[0].position).toBe(text.split('~\n').length - 2);
  });
});
