import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ANALYTICS_ENV } from '../../lambdas/handlers/shared/analytics-env.js';
import { ANALYTICS_PAGE_ENV } from '../../lambdas/handlers/shared/analytics-page-env.js';
import { BATCH_ENV } from '../../lambdas/handlers/shared/batch-deps.js';
import { FEE_INDEX_PATH_ENV, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { type ReconBackends, startReconBackends } from '../../lambdas/local/recon-stack.js';
import { sampleIndexFile } from './fee-index.js';

/** A route's Lambda handler as the tests call it. */
export type RouteHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Every route's Lambda handler module, loaded against the sample index, Recon back ends
 * (DynamoDB Local with local data keys) and a local batch directory the test owns: the handlers read their environment when
 * their modules load, so the back ends start first. Stop the back ends when done.
 *
 * @param prefix - the temporary state directory's prefix
 * @returns the back ends and the handlers by route id
 */
export async function loadRouteHandlers(
  prefix: string,
): Promise<{ backends: ReconBackends; handlers: Map<string, RouteHandler> }> {
  process.env[FEE_INDEX_PATH_ENV] = sampleIndexFile();
  const backends = await startReconBackends({ keys: 'local', stateDir: mkdtempSync(join(tmpdir(), prefix)) });
  Object.assign(process.env, backends.environment);
  // The batch routes on the local file store, so that they answer as under `npm start` (not 503).
  const batchDir = mkdtempSync(join(tmpdir(), `${prefix}batches-`));
  const keyFile = join(batchDir, 'key.json');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    keyFile,
    JSON.stringify({
      keyPairId: 'KTESTBATCH',
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    }),
    { mode: 0o600 },
  );
  Object.assign(process.env, {
    [BATCH_ENV.localDir]: batchDir,
    [BATCH_ENV.localBaseUrl]: 'http://127.0.0.1:9',
    [BATCH_ENV.localSigningKeyFile]: keyFile,
  });
  // The KPI page with sign-in settings, as the local stack gives it (not 503).
  Object.assign(process.env, {
    [ANALYTICS_PAGE_ENV.cognitoEndpoint]: 'http://127.0.0.1:9',
    [ANALYTICS_PAGE_ENV.clientId]: 'routehandlers',
  });
  // The analytics routes on a local directory (records spooled, queries in DuckDB), as under `npm start`.
  process.env[ANALYTICS_ENV.dir] = mkdtempSync(join(tmpdir(), `${prefix}analytics-`));
  const handlers = new Map<string, RouteHandler>();
  for (const route of ROUTES) {
    const module = (await import(/* @vite-ignore */ `../../${route.entry.replace(/\.ts$/, '.js')}`)) as {
      handler: unknown;
    };
    handlers.set(route.id, module.handler as RouteHandler);
  }
  return { backends, handlers };
}
