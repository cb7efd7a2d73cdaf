import type { Regulation } from '../adjustments/reason-codes.js';

/** The rules the OPPS method cites, in one place. */
export const OPPS_REGULATIONS = {
  wageAdjustment: {
    citation:
      '42 CFR § 419.43(c) (OPPS payment rates are wage-adjusted at a 60% labor share with the hospital inpatient wage index)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-D/section-419.43',
  },
  ruralFloor: {
    citation:
      "Balanced Budget Act of 1997 § 4410(a) (Pub. L. 105-33): an urban area's wage index is not less than its state's rural wage index (rural floor), carried into the OPPS by 42 CFR § 419.43(c)",
    url: 'https://www.congress.gov/105/plaws/publ33/PLAW-105publ33.pdf',
  },
  imputedFloor: {
    citation:
      'Social Security Act § 1886(d)(3)(E)(iv) (imputed floor for all-urban states, as amended by the American Rescue Plan Act of 2021 § 9831); 42 CFR § 412.64(h)',
    url: 'https://www.ssa.gov/OP_Home/ssact/title18/1886.htm',
  },
  reclassification: {
    citation:
      'Social Security Act § 1886(d)(8) and (d)(10); 42 CFR §§ 412.103, 412.230 (geographic reclassification, applied to the OPPS wage index by 42 CFR § 419.43(c))',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-412/subpart-L',
  },
  outMigration: {
    citation:
      'Social Security Act § 1886(d)(13) (out-migration adjustment for hospitals in qualifying counties; not for hospitals reclassified under § 1886(d)(8) or (d)(10))',
    url: 'https://www.ssa.gov/OP_Home/ssact/title18/1886.htm',
  },
  statusIndicators: {
    citation:
      'OPPS Addendum D1 (CY2025 final rule, status indicator definitions); Medicare Claims Processing Manual, Chapter 4, § 10.2 (APC payment groups)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c04.pdf',
  },
  packaging: {
    citation:
      '42 CFR § 419.2(b) (costs packaged into the APC payment); Medicare Claims Processing Manual, Chapter 4, § 10.4 (packaging); OPPS Addendum D1 (status indicators N, Q1, Q2, Q4)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-A/section-419.2',
  },
  comprehensiveApc: {
    citation:
      'OPPS Addendum D1 (status indicator J1: one payment for the comprehensive service and all adjunctive services on the claim); CY2025 OPPS final rule Addendum J (complexity adjustments and C-APC exclusions); 42 CFR § 419.2(b)',
    url: 'https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/regulations-notices/cms-1809-fc',
  },
  multipleProcedure: {
    citation:
      'OPPS Addendum D1 (status indicator T: multiple procedure reduction applies); the IOCE discounting formulas (D = 0.5: the highest-paying T procedure 1 + D(U−1), the others D per unit; a terminated procedure T = 0.5) as the Revenue Center Discount Indicator Code documents them',
    url: 'https://resdac.org/cms-data/variables/revenue-center-discount-indicator-code',
  },
  discontinued: {
    citation:
      'Medicare Claims Processing Manual, Chapter 4, § 20.6 (modifiers 52, 73 and 74: reduced and discontinued procedures)',
    url: 'https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c04.pdf',
  },
  inpatientOnly: {
    citation:
      '42 CFR § 419.22(n) (procedures that are paid only as inpatient procedures are excluded from the OPPS); OPPS Addendum E and D1 (status indicator C)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-B/section-419.22',
  },
  otherSchedules: {
    citation:
      'OPPS Addendum D1 (status indicator A: paid under a fee schedule other than the OPPS: therapy on the PFS, 42 CFR § 414.20; laboratory on the CLFS, 42 CFR Part 414 Subpart G; DME on the DMEPOS schedule, status indicator Y)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-B/section-419.22',
  },
  outliers: {
    citation: '42 CFR § 419.43(d) (outlier payments)',
    url: 'https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-419/subpart-D/section-419.43',
  },
} as const satisfies Record<string, Regulation>;
