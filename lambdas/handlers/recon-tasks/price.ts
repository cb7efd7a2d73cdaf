import { priceSubmission, type ReconWorkflowInput } from '../../app/recon/service.js';
import { openFeeIndex } from '../shared/fee-index.js';

const index = openFeeIndex();

/** Recon workflow, task 1: tenant, parse, check and price (see app/recon/service.ts). */
export const handler = async (input: ReconWorkflowInput) => priceSubmission(index, input);
