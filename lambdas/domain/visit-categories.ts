/**
 * Visit categories a frequency limit counts (California Labor Code § 4604.5(c)(1) names these
 * three). Shared vocabulary: a bill's prior visits (lambdas/engine/bill/schema.ts) and a
 * jurisdiction's frequency limits (jurisdiction-schema.ts) are counted in the same categories.
 */
export const VISIT_CATEGORIES = ['chiropractic', 'physicalTherapy', 'occupationalTherapy'] as const;
export type VisitCategory = (typeof VISIT_CATEGORIES)[number];
