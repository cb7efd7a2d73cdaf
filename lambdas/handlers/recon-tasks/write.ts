import { type ReconState, writeSequence } from '../../app/recon/service.js';
import { reconDependencies } from '../shared/recon-deps.js';

const deps = reconDependencies();

/** Recon workflow, task 4: seal and write in one conditional transaction (see app/recon/service.ts). */
export const handler = async (state: ReconState) => writeSequence(deps, state);
