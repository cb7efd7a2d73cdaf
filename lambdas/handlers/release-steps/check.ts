import { releaseObjectsFrom } from '../shared/release-deps.js';
import { EXAMPLE_BILLS } from './example-bills.js';
import { checkStep } from './steps.js';

/** The Check step's Lambda entry: the stage's data bucket and the bundled example bills. */
export const handler = checkStep({ objects: releaseObjectsFrom(), examples: EXAMPLE_BILLS });
