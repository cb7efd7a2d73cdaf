import { releaseObjectsFrom } from '../shared/release-deps.js';
import { recordStep } from './steps.js';

/** The Record step's Lambda entry: the stage's data bucket and the clock. */
export const handler = recordStep({ objects: releaseObjectsFrom(), now: () => new Date() });
