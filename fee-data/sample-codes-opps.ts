/**
 * Codes the OPPS tests and examples use that the sample did not already hold (kept apart from
 * sample-codes.ts so the facility branches merge without conflicts): J2002, the one Addendum B
 * drug priced in thousandths of a dollar per unit. The other OPPS codes (27447, 29881, 29882,
 * 20610, 64483, G0463, 73562, 96372, J1100, 36415, 80053, 97110, 99213, 22558, 0001F, 27130) were
 * already in the sample.
 */
export const OPPS_SAMPLE_CODES: readonly string[] = ['J2002'];
