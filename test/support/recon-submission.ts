/**
 * A Recon submission as the e2e tests send it: a Delaware office-visit bill on Medicare with a
 * made-up patient and claim (PHI the Recon stores encrypted), by control number and sequence.
 *
 * @param controlNumber - the Recon's control number
 * @param sequence - its sequence
 * @param parts - the patient, the claim number, the lines and any other fields of the body
 * @returns the body of POST /v1/recons
 */
export function reconSubmission(
  controlNumber: string,
  sequence: number,
  parts: {
    readonly patient: object;
    readonly claimNumber: string;
    readonly lines: readonly object[];
    readonly extra?: object;
  },
): Record<string, unknown> {
  return {
    controlNumber,
    sequence,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901' },
    billingProvider: { npi: '1234567893', zip: '19901' },
    patient: parts.patient,
    claim: { claimNumber: parts.claimNumber, injuryDate: '2025-02-20' },
    lines: parts.lines,
    ...parts.extra,
  };
}
