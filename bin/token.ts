/**
 * `wcbr token [--client]`: prints an access token for the running local stack. Kept apart from
 * the rest of the command line (bin/wcbr.mjs imports this module alone for `token`), so that a
 * reused token (lambdas/local/token-from-state.ts) answers in the time Node takes to start rather
 * than after loading the engine, the AWS SDK and cognito-local.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR } from '../lambdas/local/paths.js';
import { getTokenFromState } from '../lambdas/local/token-from-state.js';

/**
 * Prints a token of the dev user (default) or of the machine client (`--client`).
 *
 * @param args - command-line arguments after `token`
 * @returns exit code 0
 * @throws when the local stack is not running (the message says how to start it)
 */
export async function token(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { client: { type: 'boolean' } } });
  process.stdout.write(
    `${await getTokenFromState(process.env.WCBR_STATE_DIR ?? DEFAULT_STATE_DIR, values.client ? 'client' : 'user')}\n`,
  );
  return 0;
}
