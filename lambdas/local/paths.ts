import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: route `entry` paths and the default state directory are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the local stack keeps its state (cognito-local data, state.json); gitignored. */
export const DEFAULT_STATE_DIR = resolve(REPO_ROOT, '.wcbr-local');

/** The fee index `npm start` uses unless told otherwise (built by `wcbr data build`). */
export const DEFAULT_FEE_INDEX_PATH = resolve(REPO_ROOT, 'layers/fee-index/fee-index/fee-index.bin');

/** cognito-local's usual port (also Node's inspector default: pass another port if you debug with --inspect). */
export const DEFAULT_COGNITO_PORT = 9229;
