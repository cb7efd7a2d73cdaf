import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the repository root. Handler entries in the route table and the default fee
 * index location are relative to it, so synth gives the same result from any working directory.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
