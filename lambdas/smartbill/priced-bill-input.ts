import * as v from 'valibot';
import { BUCKETS, type PricedBill } from '../engine/priced-bill.js';

/**
 * The part of a priced bill (the body of `POST /v1/bills/price`) the SmartBill renders, as a
 * Valibot schema, so `wcbr smartbill` can refuse a file that is not one with a field-level message.
 * Objects are loose (the response also carries `requestId` and, later, `smartBill`), but the page
 * renders only the fields named here, so nothing else a file carries can reach the page.
 */

const money = v.pipe(v.string(), v.regex(/^-?\d+\.\d{2}$/, 'must be an amount like "150.00"'));
const nullableMoney = v.nullable(money);
const text = v.string();
const optionalText = v.optional(v.string());
const isoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD'));

const regulation = v.looseObject({ citation: text, url: text });
const bucket = v.picklist(BUCKETS);
const buckets = v.looseObject(
  Object.fromEntries(BUCKETS.map((b) => [b, money])) as Record<string, typeof money>,
);

const adjustment = v.looseObject({
  bucket,
  amount: money,
  internalCode: text,
  groupCode: text,
  carc: text,
  rarc: optionalText,
  stateCode: optionalText,
  message: text,
  regulation: v.optional(regulation),
  source: optionalText,
});

const step = v.looseObject({
  step: text,
  text,
  inputs: v.optional(v.record(v.string(), v.string())),
  result: optionalText,
  source: v.optional(v.looseObject({ file: text, line: v.number(), edition: text })),
  regulation: v.optional(regulation),
});

const feeSchedule = v.nullable(
  v.looseObject({
    method: text,
    unitAmount: money,
    amount: money,
    edition: text,
    setting: text,
    locality: v.nullable(v.looseObject({ carrier: text, locality: text, name: text })),
  }),
);

const line = v.looseObject({
  lineNumber: v.number(),
  code: text,
  modifiers: v.array(text),
  dateOfService: isoDate,
  units: v.number(),
  placeOfService: text,
  billed: money,
  status: v.picklist(['priced', 'denied', 'unpriced']),
  feeSchedule,
  allowed: nullableMoney,
  withheld: nullableMoney,
  adjustments: v.array(adjustment),
  buckets: v.nullable(buckets),
  unpriced: v.optional(v.looseObject({ code: text, message: text })),
  explanation: v.array(step),
  notices: v.array(text),
  rules: v.array(
    v.looseObject({
      rule: text,
      decision: v.picklist(['no-change', 'reduced', 'denied', 'flagged', 'not-adopted']),
      message: optionalText,
    }),
  ),
  facility: v.optional(
    v.looseObject({
      revenueCode: v.nullable(text),
      method: text,
      indicator: v.nullable(text),
      apc: v.nullable(text),
      wageIndex: v.nullable(v.looseObject({ value: text, cbsa: text, why: text })),
      packagedInto: v.nullable(v.number()),
      factor: v.nullable(v.looseObject({ value: text, source: v.looseObject({ citation: text }) })),
    }),
  ),
});

const party = v.optional(v.looseObject({ npi: optionalText, name: optionalText }));

/** A priced bill as `POST /v1/bills/price` returns it (the fields the SmartBill renders). */
export const PricedBillInputSchema = v.looseObject({
  billReference: optionalText,
  jurisdiction: v.looseObject({ id: text, name: text, method: text }),
  location: v.looseObject({ zip: text, source: text }),
  parties: v.looseObject({
    payer: v.optional(
      v.looseObject({
        name: optionalText,
        // Shown on the page (escaped; an appeal address only when it is https).
        contact: v.optional(
          v.looseObject({
            phone: optionalText,
            email: optionalText,
            mailingAddress: optionalText,
            appealInstructions: optionalText,
            appealUrl: optionalText,
          }),
        ),
      }),
    ),
    billingProvider: party,
    renderingProvider: party,
  }),
  dates: v.looseObject({ firstService: isoDate, lastService: isoDate, received: v.optional(isoDate) }),
  lines: v.pipe(v.array(line), v.minLength(1, 'a priced bill has at least one line')),
  totals: v.looseObject({
    billed: money,
    allowed: money,
    withheld: money,
    withheldByBucket: v.record(bucket, money),
    buckets,
    unpricedBilled: money,
    lines: v.number(),
    pricedLines: v.number(),
    deniedLines: v.number(),
    unpricedLines: v.number(),
  }),
  editions: v.array(v.looseObject({ id: text, label: text, file: text })),
  notices: v.array(text),
  billType: v.optional(v.picklist(['professional', 'outpatient', 'asc', 'inpatient'])),
  facility: v.optional(
    v.looseObject({
      typeOfBill: v.nullable(text),
      facility: v.looseObject({ npi: optionalText, ccn: optionalText, cbsa: optionalText }),
      drg: v.nullable(text),
      admissionDate: v.nullable(isoDate),
      dischargeDate: v.nullable(isoDate),
      dischargeStatus: v.nullable(text),
      grouping: text,
    }),
  ),
});

/** A value that is not a priced bill, with every field that is wrong. */
export class NotAPricedBillError extends Error {
  override readonly name = 'NotAPricedBillError';
  constructor(readonly errors: readonly { readonly field: string; readonly errorMessage: string }[]) {
    super(
      `not a priced bill (the body of POST /v1/bills/price): ${errors
        .slice(0, 5)
        .map((e) => `${e.field || '(top level)'} ${e.errorMessage}`)
        .join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}`,
    );
  }
}

/**
 * Checks that a parsed JSON value is a priced bill.
 *
 * @param value - parsed JSON
 * @returns the value, typed as a priced bill
 * @throws NotAPricedBillError naming each wrong field
 */
export function parsePricedBill(value: unknown): PricedBill {
  const result = v.safeParse(PricedBillInputSchema, value);
  if (result.success) return value as PricedBill;
  throw new NotAPricedBillError(
    result.issues.map((issue) => ({
      field: v.getDotPath(issue) ?? '',
      errorMessage: issue.message,
    })),
  );
}
