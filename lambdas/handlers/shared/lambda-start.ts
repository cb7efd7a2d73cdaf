/**
 * Start-up check of every deployed function: the CDK bundles this module ahead of each handler
 * (esbuild `inject`, lib/constructs/node-function.ts), so a function whose environment does not say
 * `WCBR_MODE=aws`, or that configures a local-only fallback, fails its init with a
 * {@link RuntimeConfigError} before the handler module builds any adapter.
 */
import { runtimeModeFrom } from './runtime-mode.js';

runtimeModeFrom(process.env);
