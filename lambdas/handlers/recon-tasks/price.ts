import { openFeeIndex } from '../shared/fee-index.js';
import { priceSubmission, type ReconWorkflowInput } from '../shared/recon-service.js';

const index = openFeeIndex();

/** Recon workflow, task 1: tenant, parse, check and price (see recon-service.ts). */
export const handler = async (input: ReconWorkflowInput) => priceSubmission(index, input);
