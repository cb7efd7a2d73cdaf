import { loadLatest, type ReconState } from '../../app/recon/service.js';
import { reconDependencies } from '../shared/recon-deps.js';

const deps = reconDependencies();

/** Recon workflow, task 2: the latest stored sequence, a resubmission, or a conflict (see app/recon/service.ts). */
export const handler = async (state: ReconState) => loadLatest(deps, state);
