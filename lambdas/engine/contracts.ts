import type { SuppliedContract } from '../domain/supplied.js';
import type { FeeIndex } from '../fee-index/reader.js';
import type { BillValue, ExternalValue } from './external-values.js';
import { tableRowAmount } from './fee-schedules/jurisdiction-pricing.js';
import { cents } from './money.js';
import type { Bucket } from './priced-bill.js';
import { suppliedNotice } from './supplied.js';

/**
 * Network contracts the customer supplied (issue 20, docs/supplied-data/): a tenant's agreement with
 * providers that fills the PPO or negotiated bucket, as a percentage of the jurisdiction's allowance
 * or a table of its own. A contract becomes an external value (docs/decisions/006) on each line it
 * matches, so the buckets, the order of application, the limits (never below zero nor above billed,
 * a state's PPO floor) and the reason codes behave exactly as for a value sent on the bill. Pure: the
 * contracts come from the fee index, the tenant from the caller.
 */

/** What a contract needs to know of a line. */
export interface ContractLine {
  readonly lineNumber: number;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly dateOfService: string;
  readonly units: number;
  /** Rendering provider NPI, else the billing provider's, else ''. */
  readonly provider: string;
  /** The line's own external values (a value in the contract's bucket wins). */
  readonly externalValues: readonly ExternalValue[];
  /** Setting and rurality as the line was priced (a table contract's amount depends on them). */
  readonly setting: 'facility' | 'non-facility';
  readonly rural: boolean;
}

/** The bill around the lines: its tenant, jurisdiction, billing provider and bill-level values. */
export interface ContractBill {
  readonly tenant: string;
  readonly jurisdiction: string;
  readonly billingProvider: { readonly npi?: string; readonly taxId?: string } | undefined;
  readonly billValues: readonly BillValue[];
}

/** What the contracts did on one line: the values to apply, and what to tell the reader. */
export interface ContractLineResult {
  readonly values: ExternalValue[];
  readonly notices: string[];
}

const BUCKET_WORDS: Readonly<Record<Bucket, string>> = {
  feeSchedule: 'fee schedule',
  billReview: 'bill review',
  ppo: 'PPO',
  ur: 'UR',
  negotiated: 'negotiated',
  adjuster: 'adjuster',
  customer: 'customer',
};

const PRICING_MODIFIERS = ['26', 'TC'];

/**
 * Whether a contract applies to a line: the bill's tenant, the line's date in its range, the bill's
 * jurisdiction listed (or none listed), and the line's rendering NPI or the billing provider's NPI
 * in its NPIs or the billing provider's tax id in its TINs.
 *
 * @param c - the contract
 * @param bill - tenant, jurisdiction and billing provider
 * @param line - the line's date and provider
 * @returns true when it applies
 */
export function contractMatches(c: SuppliedContract, bill: ContractBill, line: ContractLine): boolean {
  if (c.tenant !== bill.tenant) return false;
  const date = line.dateOfService;
  if (date < c.effective || (c.termination !== null && date > c.termination)) return false;
  if (c.jurisdictions.length > 0 && !c.jurisdictions.includes(bill.jurisdiction)) return false;
  const npis = c.providers.npis;
  const billing = bill.billingProvider;
  return (
    (line.provider !== '' && npis.includes(line.provider)) ||
    (billing?.npi !== undefined && npis.includes(billing.npi)) ||
    (billing?.taxId !== undefined && c.providers.tins.includes(billing.taxId))
  );
}

/**
 * The external values a tenant's contracts put on each line of a bill, and the notices that say
 * why a matching contract was not applied (the bill sent its own value in the contract's bucket, a
 * single value holds the line, the contract's table has no row for the code).
 *
 * A contract's value replaces its bucket after the rules (`replace`, `when: after`): a percentage of
 * the allowance before it ("90": the PPO bucket holds −10% of the allowance), or the table's amount
 * for the line's code, modifier, setting and rurality × units. Like any replacement value, it
 * applies only to a line with a fee schedule allowance (decision 006: a line we cannot price has
 * nothing to take a percentage of, and a replacement does not price it; the line says so).
 *
 * @param index - the fee index (the contracts' tables)
 * @param contracts - every tenant's contracts, from the index
 * @param bill - the bill's tenant, jurisdiction, billing provider and bill-level values
 * @param lines - the bill's lines, in order
 * @returns per line (same order), the contracts' values and notices
 */
export function contractValues(
  index: FeeIndex,
  contracts: readonly SuppliedContract[],
  bill: ContractBill,
  lines: readonly ContractLine[],
): ContractLineResult[] {
  const mine = contracts.filter((c) => c.tenant === bill.tenant);
  return lines.map((line, at) => {
    const out: ContractLineResult = { values: [], notices: [] };
    for (const c of mine) {
      if (!contractMatches(c, bill, line)) continue;
      const field = `contracts[${c.id}]`;
      const name = `contract ${c.id} (${c.name})`;
      const sent = [
        ...line.externalValues,
        ...bill.billValues.filter((b) => b.targets.includes(at)).map((b) => b.value),
      ];
      const own = sent.find((v) => v.bucket === c.bucket);
      if (own !== undefined) {
        out.notices.push(
          `Line ${line.lineNumber}: the bill's own ${BUCKET_WORDS[c.bucket]} value (${own.field}, ${own.source}) wins over ${name}, which is not applied.`,
        );
        continue;
      }
      const single = sent.find((v) => v.mode === 'single');
      if (single !== undefined) {
        out.notices.push(
          `Line ${line.lineNumber}: ${single.field} puts the whole allowance in ${single.bucket}; ${name} is not applied.`,
        );
        continue;
      }
      const terms = c.terms;
      let amount: number | undefined;
      if (terms.kind === 'table') {
        const found = contractTableAmount(index, terms.edition, line);
        if (typeof found === 'string') {
          out.notices.push(`Line ${line.lineNumber}: ${name} is not applied: ${found}`);
          continue;
        }
        amount = found;
      }
      out.values.push({
        bucket: c.bucket,
        mode: 'replace',
        amount: amount === undefined ? undefined : cents(amount),
        percent: terms.kind === 'percent-of-allowance' ? terms.percent : undefined,
        when: 'after',
        rule: undefined,
        source: name,
        reason: {
          groupCode: c.reason.groupCode,
          carc: c.reason.carc,
          ...(c.reason.rarc === undefined ? {} : { rarc: c.reason.rarc }),
          internalCode: c.reason.internalCode ?? `CONTRACT-${c.bucket.toUpperCase()}`,
          ...(c.reason.stateCode === undefined ? {} : { stateCode: c.reason.stateCode }),
        },
        field,
        billLevel: false,
        supplied: c.provenance,
      });
    }
    return out;
  });
}

/**
 * The notice of a contract that set a line's value, in words.
 *
 * @param value - the contract's value (its `supplied` provenance set)
 * @returns the notice, or undefined for a value that is not a contract's
 */
export function contractNotice(value: ExternalValue): string | undefined {
  if (value.supplied === undefined) return undefined;
  return suppliedNotice(value.supplied, `set the ${BUCKET_WORDS[value.bucket]} value (${value.source})`);
}

/** The table contract's amount for a line (row × units), or why there is none. */
function contractTableAmount(index: FeeIndex, editionId: string, line: ContractLine): number | string {
  const table = index.editionById(editionId);
  if (table === undefined) return `its table ${editionId} is not in this fee index.`;
  // The row of the first modifier the table prices the code with, pricing modifiers first, else the
  // code's own row (as a state or supplied fee table is read).
  const ordered = [...line.modifiers].sort(
    (a, b) => Number(PRICING_MODIFIERS.includes(b)) - Number(PRICING_MODIFIERS.includes(a)),
  );
  const modifier = ordered.find((m) => index.stateRows(table, line.code, m).length > 0) ?? '';
  const rows = index.stateRows(table, line.code, modifier);
  const amounts = [
    ...new Set(rows.map((r) => tableRowAmount(r, line)).filter((a): a is number => a !== null)),
  ];
  if (amounts.length === 0) {
    return rows.length === 0
      ? `its table (${table.label}) has no row for ${line.code}${modifier ? `-${modifier}` : ''}.`
      : `its table (${table.label}) gives ${line.code} no amount (${rows[0]?.status ?? 'none'}).`;
  }
  if (amounts.length > 1) return `its table (${table.label}) lists ${line.code} with different amounts.`;
  const unit = amounts[0] as number;
  if (!Number.isSafeInteger(unit * line.units)) return `the amount for ${line.units} units is out of range.`;
  return unit * line.units;
}
