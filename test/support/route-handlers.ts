import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { FEE_INDEX_PATH_ENV, ROUTES } from '../../lambdas/handlers/shared/routes.js';
import { type ReconBackends, startReconBackends } from '../../lambdas/local/recon-stack.js';
import { sampleIndexFile } from './fee-index.js';

/** A route's Lambda handler as the tests call it. */
export type RouteHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Every route's Lambda handler module, loaded against the sample index and Recon back ends
 * (DynamoDB Local with local data keys) the test owns: the handlers read their environment when
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
  const handlers = new Map<string, RouteHandler>();
  for (const route of ROUTES) {
    const module = (await import(/* @vite-ignore */ `../../${route.entry.replace(/\.ts$/, '.js')}`)) as {
      handler: unknown;
    };
    handlers.set(route.id, module.handler as RouteHandler);
  }
  return { backends, handlers };
}
