import { computeDelta, type ReconState } from '../../app/recon/service.js';

/** Recon workflow, task 3: the delta against the prior sequence (pure; see app/recon/service.ts). */
export const handler = async (state: ReconState) => computeDelta(state);
