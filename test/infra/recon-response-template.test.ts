import { describe, expect, it } from 'vitest';
import { RECON_RESPONSE_TEMPLATE } from '../../lib/constructs/recon-workflow.js';

/*
 * POST /v1/recons in AWS answers through this API Gateway response template (StartSyncExecution's
 * output mapped to the task's statusCode and body). A 503 from the workflow (DynamoDB or KMS
 * unreachable) carries retryAfterSeconds; the template must turn it into the Retry-After header the
 * local route and the read routes send (issue 15, item 5).
 */
describe('the Recon response template', () => {
  it('sets Retry-After from the output when the workflow answers one', () => {
    const lines = RECON_RESPONSE_TEMPLATE.split('\n');
    const succeeded = lines.indexOf("#if($input.path('$.status') == 'SUCCEEDED')");
    const header = lines.findIndex((l) => l.includes('responseOverride.header.Retry-After'));
    expect(succeeded).toBeGreaterThanOrEqual(0);
    expect(header).toBeGreaterThan(succeeded);
    expect(lines[header]).toBe(
      '#if($out.retryAfterSeconds)#set($context.responseOverride.header.Retry-After = "$out.retryAfterSeconds")#end',
    );
  });
});
