import { priceSubmission, type ReconWorkflowInput } from '../../app/recon/service.js';
import { openFeeIndex } from '../shared/fee-index.js';
import { reconBodiesFrom } from '../shared/recon-deps.js';

const index = openFeeIndex();
const bodies = reconBodiesFrom();

/** Recon workflow, task 1: tenant, parse, check and price (see app/recon/service.ts). */
export const handler = async (input: ReconWorkflowInput) => priceSubmission(index, bodies, input);
