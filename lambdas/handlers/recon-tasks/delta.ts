import { computeDelta, type ReconState } from '../../app/recon/service.js';
import { reconBodiesFrom } from '../shared/recon-deps.js';

const bodies = reconBodiesFrom();

/** Recon workflow, task 3: the delta against the prior sequence (see app/recon/service.ts). */
export const handler = async (state: ReconState) => computeDelta(bodies, state);
