import { computeDelta, type ReconState } from '../shared/recon-service.js';

/** Recon workflow, task 3: the delta against the prior sequence (pure; see recon-service.ts). */
export const handler = async (state: ReconState) => computeDelta(state);
