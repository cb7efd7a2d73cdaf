import type { FeeIndex } from '../../fee-index/reader.js';
import { type Edition, editionFor, type Jurisdiction } from '../jurisdictions.js';
import { cents, formatCents, Money, roundToCents } from '../money.js';
import type { ExplanationStep } from '../priced-bill.js';
import { suppliedInputs, suppliedNotice, suppliedRegulation } from '../supplied.js';
import { labOrDmeFee } from './lab-and-dme.js';
import { type FeeResult, rbrvsFee as physicianFee, type RbrvsQuery } from './rbrvs.js';

/**
 * Medicare's amount for a line: the physician fee schedule, or for a code it does not pay, the
 * clinical lab or DMEPOS schedule.
 */
function rbrvsFee(index: FeeIndex, query: RbrvsQuery): FeeResult {
  const physician = physicianFee(index, query);
  if (physician.kind === 'priced' || query.conversionFactor) return physician;
  const other = labOrDmeFee(index, query);
  if (other) return other;
  // A statutory exclusion (status X: lab, ambulance, ...) or a code on the lab or DMEPOS schedule is
  // paid under another schedule: when we hold none for the date (or the state), say so, never deny.
  const status = physician.kind === 'zero' ? physician.rvu?.status : undefined;
  if (physician.kind === 'zero' && (status === 'X' || index.hasLabOrDmeCode(query.code))) {
    return {
      kind: 'unpriced',
      reason: {
        code: 'EXCLUDED-FROM-PFS',
        message: `${query.code} is paid outside the physician fee schedule${status ? ` (status ${status})` : ''}; we hold no ${index.hasLabOrDmeCode(query.code) ? 'lab or DMEPOS' : 'other'} schedule amount for it on ${query.date}${query.state ? '' : ' without the state of a ZIP'}.`,
      },
      steps: physician.steps,
      notices: physician.notices,
    };
  }
  return physician;
}

/**
 * Prices one line by its jurisdiction's method (fee-data/jurisdictions): Medicare itself, Medicare
 * in place of a schedule we do not hold (said on the line), a percentage of Medicare, or the
 * Medicare RBRVS with the state's conversion factors. Each adds a `jurisdiction` step naming the
 * edition and its sources.
 */

/** CPT ranges of the service categories states set conversion factors for (CPT section ranges). */
const CATEGORY_RANGES: readonly { readonly category: string; readonly from: number; readonly to: number }[] =
  [
    { category: 'anesthesia', from: 100, to: 1999 },
    { category: 'surgery', from: 10004, to: 69990 },
    { category: 'radiology', from: 70010, to: 79999 },
    { category: 'pathology', from: 80047, to: 89398 },
    { category: 'evaluation-management', from: 99202, to: 99499 },
    { category: 'medicine', from: 90281, to: 99607 },
  ];

/**
 * The CPT section of a code (numeric Category I codes only; HCPCS Level II and Category II/III
 * codes fall in "all").
 *
 * @param code - CPT or HCPCS code
 * @returns the category name used by jurisdiction factors
 */
export function serviceCategory(code: string): string {
  if (!/^\d{5}$/.test(code)) return 'all';
  const n = Number(code);
  return CATEGORY_RANGES.find((r) => n >= r.from && n <= r.to)?.category ?? 'all';
}

type Factor = NonNullable<Edition['factors']>[number];

function factorFor(edition: Edition, code: string, setting: 'facility' | 'non-facility'): Factor | undefined {
  const factors = edition.factors ?? [];
  const category = serviceCategory(code);
  const byName = (name: string) => factors.find((f) => f.category === name);
  return (
    (setting === 'facility' ? byName(`${category}-facility`) : undefined) ?? byName(category) ?? byName('all')
  );
}

function jurisdictionStep(j: Jurisdiction, edition: Edition | undefined, text: string): ExplanationStep {
  const own = edition?.supplied;
  // A supplied edition cites the customer's source, marked as theirs, never one of ours.
  const source = own ? undefined : edition?.sources[0];
  return {
    step: 'jurisdiction',
    text,
    inputs: {
      jurisdiction: j.id,
      method: edition?.method ?? j.billTypes.professional.method,
      ...(edition
        ? { edition: edition.id, effective: edition.effective, termination: edition.termination ?? 'open' }
        : {}),
      ...(own ? suppliedInputs(own) : {}),
    },
    ...(own
      ? { regulation: suppliedRegulation(own) }
      : source
        ? { regulation: { citation: source.citation, url: source.url ?? '' } }
        : {}),
  };
}

function withStep(result: FeeResult, step: ExplanationStep, notices: readonly string[] = []): FeeResult {
  return { ...result, steps: [step, ...result.steps], notices: [...notices, ...result.notices] };
}

function unpriced(
  code: 'NO-EDITION' | 'NO-CONVERSION-FACTOR',
  message: string,
  step: ExplanationStep,
): FeeResult {
  return { kind: 'unpriced', reason: { code, message }, steps: [step], notices: [] };
}

/**
 * The fee for one line under a jurisdiction.
 *
 * @param index - the fee index
 * @param j - the jurisdiction
 * @param query - the line's code, modifiers, date, locality, setting
 * @returns the priced, zero or unpriced result with the jurisdiction's step first
 */
export function jurisdictionFee(index: FeeIndex, j: Jurisdiction, query: RbrvsQuery): FeeResult {
  const professional = j.billTypes.professional;
  // Medicare itself needs no registry edition: the fee index's own editions date its lines.
  if (professional.method === 'medicare') return rbrvsFee(index, query);
  const choice = editionFor(j, query.date);
  const own = choice?.edition.supplied;
  if (own === undefined) return feeOnEdition(index, j, query, choice);
  // A customer's edition (issue 20) prices by its own method whatever the jurisdiction's is; the
  // line names it, in words and in its `supplied` field.
  const result = feeOnEdition(index, j, query, choice);
  const what =
    result.kind === 'unpriced' ? `is in force on ${query.date}` : `set this line's fee schedule amount`;
  return { ...result, supplied: own, notices: [suppliedNotice(own, what), ...result.notices] };
}

function feeOnEdition(
  index: FeeIndex,
  j: Jurisdiction,
  query: RbrvsQuery,
  choice: ReturnType<typeof editionFor>,
): FeeResult {
  const professional = j.billTypes.professional;
  const edition = choice?.edition;
  // An edition whose year no source states is dated 0001-01-01 in its file (Louisiana's table).
  const yearUnknown = edition?.effective.startsWith('0001-') === true;
  const pastLatest = yearUnknown
    ? [`${j.name}'s table (${edition.id}) does not state its year; it is the only ${j.name} edition we hold.`]
    : choice?.pastLatest
      ? [
          `${query.date} is more than a year after ${edition?.id} took effect; it is the latest ${j.name} edition we hold.`,
        ]
      : [];
  const method = edition?.method ?? professional.method;
  switch (method) {
    case 'medicare':
      return rbrvsFee(index, query);
    case 'medicare-fallback': {
      const notice = `${j.name} (${j.id}): we hold no ${j.name} schedule (${professional.missing ?? 'its own fee schedule'}); this line is priced on the Medicare Physician Fee Schedule.`;
      return withStep(rbrvsFee(index, query), jurisdictionStep(j, edition, notice), [notice]);
    }
    case 'percent-of-medicare': {
      const factor = edition ? factorFor(edition, query.code, query.setting) : undefined;
      if (!edition || !factor) {
        return unpriced(
          edition ? 'NO-CONVERSION-FACTOR' : 'NO-EDITION',
          `${j.name} (${j.id}) has no ${edition ? 'Medicare multiplier' : 'edition'} we hold for ${query.date}.`,
          jurisdictionStep(j, edition, `${j.name}: percentage of Medicare.`),
        );
      }
      const medicare = rbrvsFee(index, query);
      const missingNotice = professional.missing ? [`${j.name} (${j.id}): ${professional.missing}`] : [];
      if (medicare.kind === 'priced' && medicare.method !== 'rbrvs') {
        const percent = new Money(factor.value).times(100).toString();
        return withStep(
          medicare,
          jurisdictionStep(
            j,
            edition,
            `${j.name}'s ${percent}% applies to the Medicare physician fee schedule; this line is priced on the ${medicare.method === 'clfs' ? 'clinical lab fee schedule' : 'DMEPOS fee schedule'} at 100%.`,
          ),
          missingNotice,
        );
      }
      if (medicare.kind !== 'priced')
        return withStep(medicare, jurisdictionStep(j, edition, `${j.name}: ${factor.value} × Medicare.`));
      const amount = roundToCents(new Money(medicare.unitAmount).times(factor.value).div(100));
      const step: ExplanationStep = {
        step: 'percent-of-medicare',
        text: `${j.name} pays ${new Money(factor.value).times(100).toString()}% of the Medicare amount: ${formatCents(medicare.unitAmount)} × ${factor.value} = ${formatCents(amount)} (rounded half up to cents).`,
        inputs: { medicareAmount: formatCents(medicare.unitAmount), multiplier: factor.value },
        result: formatCents(amount),
        regulation: { citation: factor.source.citation, url: factor.source.url ?? '' },
      };
      return {
        ...medicare,
        unitAmount: cents(amount),
        ...(medicare.pePart === undefined
          ? {}
          : { pePart: roundToCents(new Money(medicare.pePart).times(factor.value).div(100)) }),
        // The therapy unit after the first is the state's percentage of Medicare's reduced unit.
        ...(medicare.peReducedUnit === undefined
          ? {}
          : { peReducedUnit: roundToCents(new Money(medicare.peReducedUnit).times(factor.value).div(100)) }),
        steps: [
          jurisdictionStep(
            j,
            edition,
            `${j.name} (${j.id}), edition ${edition.id}: a percentage of the Medicare Physician Fee Schedule.`,
          ),
          ...medicare.steps,
          step,
        ],
        notices: [...pastLatest, ...missingNotice, ...medicare.notices],
      };
    }
    case 'rbrvs-state-cf': {
      const step = jurisdictionStep(
        j,
        edition,
        `${j.name} (${j.id})${edition ? `, edition ${edition.id}` : ''}: Medicare RVUs × GPCI × ${j.name}'s conversion factor.`,
      );
      if (!edition) {
        return unpriced('NO-EDITION', `We hold no ${j.name} edition for ${query.date}.`, step);
      }
      const factor = factorFor(edition, query.code, query.setting);
      if (!factor) {
        return unpriced(
          'NO-CONVERSION-FACTOR',
          edition.supplied
            ? `The supplied edition ${edition.id} has no ${j.name} conversion factor for ${serviceCategory(query.code)} (${query.setting}) and no "all" factor; we will not price it with another.`
            : `We hold no ${j.name} conversion factor for ${edition.id} (${serviceCategory(query.code)}, ${query.setting}); we will not price it with another year's.`,
          step,
        );
      }
      const value = Math.round(Number(factor.value) * 10_000);
      const result = rbrvsFee(index, {
        ...query,
        conversionFactor: {
          value,
          description: `${j.name} ${edition.id} conversion factor (${factor.category}; ${factor.source.citation})`,
        },
      });
      return { ...withStep(result, step), notices: [...pastLatest, ...result.notices] };
    }
    case 'state-table': {
      const step = jurisdictionStep(
        j,
        edition,
        `${j.name} (${j.id})${edition ? `, edition ${edition.id}` : ''}: ${edition?.supplied ? `the fee table the customer supplied` : `${j.name}'s own fee table`}.`,
      );
      if (!edition) return unpriced('NO-EDITION', `We hold no ${j.name} fee table for ${query.date}.`, step);
      const anesthesia = index.editionById(`state-anesthesia/${edition.id}`);
      const result =
        anesthesia &&
        serviceCategory(query.code) === 'anesthesia' &&
        index.stateAnesthesia(anesthesia, query.code)
          ? anesthesiaFee(index, j, edition, anesthesia, query, step)
          : stateTableFee(index, j, edition, query, step);
      return { ...result, notices: [...pastLatest, ...result.notices] };
    }
  }
}

const PRICING_MODIFIERS = ['26', 'TC'];

/** What a state table row without an amount means, for the unpriced message. */
const ROW_MEANING: Readonly<Record<string, string>> = {
  'by-report': 'is paid by report',
  'by-agreement': 'is paid at usual and customary or by agreement',
  'not-established': 'has no value established',
  'see-other': 'refers to another entry',
  'facility-only': 'lists hospital outpatient and ASC amounts only, no professional amount',
  'no-amount': 'is listed without an amount',
};

function stateTableFee(
  index: FeeIndex,
  j: Jurisdiction,
  edition: Edition,
  query: RbrvsQuery,
  step: ExplanationStep,
): FeeResult {
  const tableEdition = index.editionById(`state-table/${edition.id}`);
  if (!tableEdition) {
    return unpriced(
      'NO-EDITION',
      `The ${j.name} table of ${edition.supplied ? 'the supplied edition ' : ''}${edition.id} is not in this fee index.`,
      step,
    );
  }
  // The row of the first modifier the table prices the code with (26, TC, NU, RR, 53, ...),
  // pricing modifiers first; else the code's own row.
  const ordered = [...query.modifiers].sort(
    (a, b) => Number(PRICING_MODIFIERS.includes(b)) - Number(PRICING_MODIFIERS.includes(a)),
  );
  const modifier = ordered.find((m) => index.stateRows(tableEdition, query.code, m).length > 0) ?? '';
  const rows = index.stateRows(tableEdition, query.code, modifier);
  if (rows.length === 0) {
    const listed = index.stateHasCode(tableEdition, query.code);
    const missing = j.billTypes.professional.missing;
    // A supplied table is the customer's whole schedule for its dates: a code it lacks is unpriced
    // (never silently Medicare, which the customer brought the table to replace).
    if (!listed && edition.supplied) {
      return {
        kind: 'unpriced',
        reason: {
          code: 'NOT-IN-EDITION',
          message: `${query.code} is not in the supplied table ${edition.id} (${tableEdition.label}).`,
        },
        steps: [step],
        notices: [],
      };
    }
    if (!listed && missing) {
      // A partial state table (Louisiana holds radiology only): the rest is priced on Medicare, and said.
      const notice = `${j.name} (${j.id}): ${query.code} is not in the ${j.name} table we hold (${missing}); this line is priced on the Medicare Physician Fee Schedule.`;
      return withStep(rbrvsFee(index, query), jurisdictionStep(j, edition, notice), [notice]);
    }
    return {
      kind: 'unpriced',
      reason: {
        code: 'NOT-IN-EDITION',
        message: listed
          ? `The ${j.name} table (${tableEdition.label}) lists ${query.code} but not with modifier ${modifier || '(none)'}.`
          : `The ${j.name} table (${tableEdition.label}) has no row for ${query.code}.`,
      },
      steps: [step],
      notices: [],
    };
  }
  const source = (row: (typeof rows)[number]) => ({
    file: row.file,
    line: row.line,
    edition: tableEdition.id,
  });
  const what = `${query.code}${modifier ? `-${modifier}` : ''}`;
  const bundled = rows.find((r) => r.status === 'bundled');
  if (bundled) {
    return {
      kind: 'zero',
      reason: 'FS-STATUS-BUNDLED',
      message: `The ${j.name} table lists ${what} as a bundled code (no separate payment).`,
      ...(edition.sources[0]
        ? { regulation: { citation: edition.sources[0].citation, url: edition.sources[0].url ?? '' } }
        : {}),
      steps: [
        step,
        {
          step: 'state-table',
          text: `${bundled.file} line ${bundled.line}: bundled.`,
          source: source(bundled),
        },
      ],
      notices: [],
    };
  }
  const amountOf = (row: (typeof rows)[number]): number | null => tableRowAmount(row, query);
  const priced = rows.filter((r) => amountOf(r) !== null);
  if (priced.length === 0) {
    const row = rows[0] as (typeof rows)[number];
    const meaning = ROW_MEANING[row.status] ?? 'has no amount';
    return {
      kind: 'unpriced',
      reason: {
        code: 'BY-REPORT',
        message: `The ${j.name} table (${row.file} line ${row.line}) says ${what} ${meaning}${row.reference ? ` (${row.reference})` : ''}: we do not guess an amount.`,
      },
      steps: [step],
      notices: [],
    };
  }
  const amounts = new Set(priced.map(amountOf));
  if (amounts.size > 1) {
    return {
      kind: 'unpriced',
      reason: {
        code: 'BY-REPORT',
        message: `The ${j.name} table lists ${what} more than once with different amounts (${priced.map((r) => `${r.qualifier || '-'} ${formatCents(cents(amountOf(r) as number))} at line ${r.line}`).join('; ')}) and says nothing that tells them apart: we do not pick one.`,
      },
      steps: [step],
      notices: [],
    };
  }
  const row = priced[0] as (typeof rows)[number];
  const unitAmount = cents(amountOf(row) as number);
  const column =
    row.basis === 'rural'
      ? query.rural
        ? 'rural'
        : 'non-rural'
      : row.basis === 'single'
        ? 'all-settings'
        : row.basis === 'setting-rural' && query.rural && row.rural !== null
          ? 'rural'
          : query.setting;
  return {
    kind: 'priced',
    unitAmount,
    method: 'state-table',
    edition: tableEdition,
    editions: [tableEdition],
    steps: [
      step,
      {
        step: 'state-table',
        text: `${tableEdition.label}: ${what}${row.category ? ` (${row.category})` : ''}, ${column} amount ${formatCents(unitAmount)}.`,
        inputs: {
          code: query.code,
          modifier,
          column,
          amount: formatCents(unitAmount),
          ...(row.qualifier ? { qualifier: row.qualifier } : {}),
        },
        result: formatCents(unitAmount),
        source: source(row),
        ...(edition.supplied
          ? { regulation: suppliedRegulation(edition.supplied) }
          : edition.sources[0]
            ? { regulation: { citation: edition.sources[0].citation, url: edition.sources[0].url ?? '' } }
            : {}),
      },
    ],
    notices: [],
  };
}

/**
 * The amount of a priced table row for a line: by rurality (`rural`), for every setting
 * (`single`), by setting, or (`setting-rural`, a supplied table with a rural column) the rural
 * amount in a rural location and the setting's amount elsewhere.
 *
 * @param row - a state or supplied table row
 * @param query - the line's setting and rurality
 * @returns cents, or null when the row holds no amount for the line
 */
export function tableRowAmount(
  row: ReturnType<FeeIndex['stateRows']>[number],
  query: Pick<RbrvsQuery, 'setting' | 'rural'>,
): number | null {
  if (row.status !== 'priced') return null;
  if (row.basis === 'rural') return query.rural ? row.rural : row.nonRural;
  if (row.basis === 'setting-rural' && query.rural && row.rural !== null) return row.rural;
  return query.setting === 'facility' ? row.facility : row.nonFacility;
}

/**
 * Whether a code is one we can answer for in a jurisdiction: in any Medicare RVU edition, in the
 * jurisdiction's own table, or in a table the customer supplied for it.
 *
 * @param index - the fee index
 * @param j - the jurisdiction
 * @param code - HCPCS code
 * @returns true when some edition we hold lists it
 */
export function knownCode(index: FeeIndex, j: Jurisdiction | undefined, code: string): boolean {
  if (index.hasCode(code) || index.hasLabOrDmeCode(code)) return true;
  const professional = j?.billTypes.professional;
  if (professional === undefined) return false;
  const inTable = (e: Edition) => {
    const table = index.editionById(`state-table/${e.id}`);
    return table !== undefined && index.stateHasCode(table, code);
  };
  if ((professional.supplied ?? []).some((e) => e.method === 'state-table' && inTable(e))) return true;
  return professional.method === 'state-table' && professional.editions.some(inTable);
}

/**
 * Anesthesia under a state's table: (base units + time units) × the state's anesthesia conversion
 * factor, a time unit being 15 minutes, as the state's schedule defines anesthesia payment.
 */
function anesthesiaFee(
  index: FeeIndex,
  j: Jurisdiction,
  edition: Edition,
  anesthesia: NonNullable<ReturnType<FeeIndex['editionById']>>,
  query: RbrvsQuery,
  step: ExplanationStep,
): FeeResult {
  const row = index.stateAnesthesia(anesthesia, query.code);
  const factor = (edition.factors ?? []).find((f) => f.category === 'anesthesia');
  if (!row || row.baseUnits === null || !factor) {
    return unpriced(
      row && row.baseUnits !== null ? 'NO-CONVERSION-FACTOR' : 'NO-EDITION',
      row && row.baseUnits !== null
        ? `We hold no ${j.name} anesthesia conversion factor for ${edition.id}.`
        : `The ${j.name} anesthesia table lists ${query.code} without base units (${row?.status ?? 'absent'}): we do not guess.`,
      step,
    );
  }
  if (query.anesthesiaMinutes === undefined) {
    return unpriced(
      'NO-EDITION',
      `${query.code} is anesthesia: send anesthesiaMinutes (the time) to price base units + time units.`,
      step,
    );
  }
  const base = new Money(row.baseUnits).div(100);
  const timeUnits = new Money(query.anesthesiaMinutes).div(15);
  const units = base.plus(timeUnits);
  const amount = roundToCents(units.times(factor.value));
  const text = formatCents(amount);
  return {
    kind: 'priced',
    unitAmount: amount,
    method: 'anesthesia',
    edition: anesthesia,
    editions: [anesthesia],
    steps: [
      step,
      {
        step: 'anesthesia',
        text: `${anesthesia.label}: ${query.code} base ${base.toString()} units + ${query.anesthesiaMinutes} minutes ÷ 15 = ${timeUnits.toDecimalPlaces(4).toString()} time units; ${units.toDecimalPlaces(4).toString()} × ${factor.value} (${j.name} anesthesia conversion factor) = ${text} (rounded half up to cents).`,
        inputs: {
          baseUnits: base.toString(),
          minutes: String(query.anesthesiaMinutes),
          timeUnits: timeUnits.toDecimalPlaces(4).toString(),
          conversionFactor: factor.value,
        },
        result: text,
        source: { file: row.file, line: row.line, edition: anesthesia.id },
        regulation: { citation: factor.source.citation, url: factor.source.url ?? '' },
      },
    ],
    notices: [],
  };
}
