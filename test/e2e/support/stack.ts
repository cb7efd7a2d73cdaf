import {
  type LocalStack,
  type StartLocalStackOptions,
  startLocalStack,
} from '../../../lambdas/local/stack.js';
import { sampleIndexFile } from '../../support/fee-index.js';

/**
 * The local stack as the end-to-end tests start it: free ports for the API and Cognito, the sample
 * index, quiet, request logs off and no SDK version notice (unless a test asks for `quiet: false`,
 * as the log tests do), with the test's own state directory and back ends.
 *
 * @param options - what the test needs on top (state directory, Recon, SmartBill…)
 * @returns the running stack
 */
export function startTestStack(options: StartLocalStackOptions): Promise<LocalStack> {
  if (options.quiet !== false) process.env.WCBR_LOG = 'off';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return startLocalStack({
    port: 0,
    cognitoPort: 0,
    feeIndexPath: sampleIndexFile(),
    quiet: true,
    ...options,
  });
}
