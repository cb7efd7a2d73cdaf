import { reconDependencies } from '../shared/recon-deps.js';
import { type ReconState, writeSequence } from '../shared/recon-service.js';

const deps = reconDependencies();

/** Recon workflow, task 4: seal and write in one conditional transaction (see recon-service.ts). */
export const handler = async (state: ReconState) => writeSequence(deps, state);
