import { describe, expect, it } from 'vitest';
import { parseOppsAddendumB } from '../../../fee-data/import/opps-addendum-b.js';
import { parseOppsComplexity } from '../../../fee-data/import/opps-addendum-j.js';
import {
  parseOppsApcRate,
  parseOppsOutMigration,
  parseOppsWageIndex,
} from '../../../fee-data/import/opps-pricer.js';
import { ImportError } from '../../../fee-data/import/text.js';

/*
 * The OPPS importers on excerpts of the official files' own rows (the descriptor cells of
 * Addendum B and J are replaced by "x": the repository holds no CPT descriptors).
 */
const bytes = (text: string) => new TextEncoder().encode(text);

const ADDENDUM_B_HEADER =
  'HCPCS Code,Short Descriptor,SI,APC,Relative Weight,Payment Rate,National Unadjusted Copayment,Minimum Unadjusted Copayment,IRA Coinsurance percentage,Adjusted Beneficiary Copayment,Drug and Device Pass-Through Expiration during Calendar Year,Note,* Indicates a Change\r\n';
// OPPS_Addendum_B_2025_January_derived.csv lines 3064, 15550 and 15738 (descriptors replaced).
const ADDENDUM_B_ROWS = [
  '27447,x,J1,5115,144.2970,12866.82,.,"$2,573.37",,"$1,676.00",,"Copayments capped at inpatient deductible of $1,676.00.",\r\n',
  'J1100,x,N,,,,,,,,,,\r\n',
  'J2002,x,K,0795,,0.003,$0.00,$0.01,,$0.01,,,*\r\n',
];

describe('parseOppsAddendumB', () => {
  it('keeps SI, APC and the rate as printed, and dates the edition from the file name', () => {
    const d = parseOppsAddendumB(
      bytes(ADDENDUM_B_HEADER + ADDENDUM_B_ROWS.join('')),
      'OPPS_Addendum_B_2025_January_derived.csv',
    );
    expect(d).toMatchObject({
      dataset: 'opps-addendum-b',
      year: 2025,
      effective: '2025-01-01',
      complete: true,
    });
    expect(d.records).toEqual([
      { code: '27447', si: 'J1', apc: '5115', rate: '12866.82', line: 2 },
      { code: 'J1100', si: 'N', apc: '', rate: '', line: 3 },
      { code: 'J2002', si: 'K', apc: '795', rate: '0.003', line: 4 },
    ]);
  });

  it('rejects a row whose status indicator is not one, a repeated code, and a name without the quarter', () => {
    const bad = ADDENDUM_B_HEADER + ADDENDUM_B_ROWS[0]?.replace(',J1,', ',j1,');
    expect(() => parseOppsAddendumB(bytes(bad), 'OPPS_Addendum_B_2025_January.csv')).toThrow(
      /line 2 column 3 \(SI\)/,
    );
    const twice = ADDENDUM_B_HEADER + (ADDENDUM_B_ROWS[1] as string) + (ADDENDUM_B_ROWS[1] as string);
    expect(() => parseOppsAddendumB(bytes(twice), 'OPPS_Addendum_B_2025_January.csv')).toThrow(
      /already on line 2/,
    );
    expect(() => parseOppsAddendumB(bytes(ADDENDUM_B_HEADER), 'Addendum_B.csv')).toThrow(ImportError);
  });
});

describe('CMS OPPS pricer tables', () => {
  it('reads the APC table with each row effective date (apc-rate-2025.csv lines 1, 463)', () => {
    const text =
      'apc,statusIndicator,effectiveDate,paymentRate,nationalCoinsurance,minimumCoinsurance\n05115,J1,20250101,012866.82,02573.37,02573.37\n';
    expect(parseOppsApcRate(bytes(text), 'apc-rate-2025.csv').records).toEqual([
      { apc: '05115', si: 'J1', effectiveDate: '2025-01-01', rate: '012866.82', line: 2 },
    ]);
    expect(() => parseOppsApcRate(bytes(text), 'apc-rate-2026.csv')).toThrow(/outside 2026/);
  });

  it('reads the wage index table (cbsa-wage-index-2026.csv line 347, quoted name) and rejects a bad value', () => {
    const text =
      'cbsa,effectiveDate,geographicWageIndex,reclassifiedWageIndex,imputedFloorWageIndex,name\n38060,20260101,0.9786,0.9640,0.0000,"Phoenix-Mesa-Chandler, AZ"\n';
    expect(parseOppsWageIndex(bytes(text), 'cbsa-wage-index-2026.csv').records[0]).toEqual({
      cbsa: '38060',
      geographic: '0.9786',
      reclassified: '0.9640',
      imputedFloor: '0.0000',
      name: 'Phoenix-Mesa-Chandler, AZ',
      line: 2,
    });
    expect(() =>
      parseOppsWageIndex(bytes(text.replace('0.9786', '.9786')), 'cbsa-wage-index-2026.csv'),
    ).toThrow(/geographicWageIndex/);
  });

  it('reads the out-migration table (outmigration-adjustment-2026.csv line 4)', () => {
    const text = 'county,adjustmentFactor,effectiveDate\n01019,0.1537,20260101\n';
    expect(parseOppsOutMigration(bytes(text), 'outmigration-adjustment-2026.csv').records).toEqual([
      { county: '01019', factor: '0.1537', line: 2 },
    ]);
  });
});

describe('parseOppsComplexity', () => {
  const title =
    '\tAddendum J for CY2025 complexity adjustments of combinations of comprehensive HCPCS codes\t\t\t\t\t\t\t\t\r\n';
  const header =
    'Primary HCPCS Code\tPrimary Short Descriptor\tPrimary SI\tPrimary APC Assignment\tSecondary J1 or Add-on HCPCS Code\tSecondary Short Descriptor\tSecondary SI\tSecondary APC Assignment\tComplexity Adjusted HCPCS Assignment\tComplexity Adjusted APC Assignment\r\n';
  // CY2025_FinalRule_Addendum_J_CAPC_complexity_adjustments.11132024.txt line 131 (descriptors replaced).
  const row = '29882\tx\tJ1\t5113\t29881\tx\tJ1\t5113\t2988B\t5114\r\n';

  it('reads the pairs after the title and skips the tab-only rows at the end', () => {
    const d = parseOppsComplexity(
      bytes(`${title}${header}${row}\t\t\t\t\t\t\t\t\t\r\n`),
      'CY2025_FinalRule_Addendum_J_CAPC_complexity_adjustments.txt',
    );
    expect(d.records).toEqual([
      {
        primary: '29882',
        primaryApc: '5113',
        secondary: '29881',
        secondarySi: 'J1',
        adjustedCode: '2988B',
        adjustedApc: '5114',
        line: 3,
      },
    ]);
    expect(d.notes.join(' ')).toContain('1 blank row');
  });

  it('rejects a file without its header', () => {
    expect(() => parseOppsComplexity(bytes(title + row), 'CY2025_Addendum_J.txt')).toThrow(/no header row/);
  });
});
