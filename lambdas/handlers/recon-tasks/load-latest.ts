import { reconDependencies } from '../shared/recon-deps.js';
import { loadLatest, type ReconState } from '../shared/recon-service.js';

const deps = reconDependencies();

/** Recon workflow, task 2: the latest stored sequence, a resubmission, or a conflict (see recon-service.ts). */
export const handler = async (state: ReconState) => loadLatest(deps, state);
