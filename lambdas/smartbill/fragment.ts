import type { Regulation } from '../engine/adjustments/reason-codes.js';
import {
  type Adjustment,
  BUCKETS,
  type Bucket,
  type ExplanationStep,
  type PricedBill,
  type PricedLine,
} from '../engine/priced-bill.js';
import { RULES } from '../engine/rules/index.js';
import { type ShownContact, shownContact, type TenantSmartBillSettings } from './contact.js';
import { facilityBillRows, facilityLineRows } from './facility-words.js';
import { escapeHtml, link, money } from './html.js';

/**
 * The SmartBill's details: an HTML fragment (the part of the page that is sealed). It names only
 * fields of the priced bill chosen here, never the whole object, so nothing a caller adds to the
 * bill (a patient's name, say) can reach the page. The bill id is left out too: a customer's bill
 * id may carry a claim number. Codes and numbers only, never a CPT descriptor.
 */

/** When the page was made and when its link stops working, shown inside the details. */
export interface FragmentMeta {
  readonly generatedAt: string;
  readonly expiresAt?: string;
  /** The pricing tenant's settings: the payer's contact where the bill gives none. */
  readonly tenant?: TenantSmartBillSettings;
}

const BUCKET_NAMES: Readonly<Record<Bucket, string>> = {
  feeSchedule: 'Fee schedule',
  billReview: 'Bill review',
  ppo: 'PPO',
  ur: 'Utilization review',
  negotiated: 'Negotiated',
  adjuster: 'Adjuster',
  customer: 'Customer',
};

const STATUS_NAMES: Readonly<Record<PricedLine['status'], string>> = {
  priced: 'Priced',
  denied: 'Denied',
  unpriced: 'Not priced',
};

const DECISION_NAMES: Readonly<Record<PricedLine['rules'][number]['decision'], string>> = {
  'no-change': 'No change',
  reduced: 'Reduced',
  denied: 'Denied',
  flagged: 'Flagged',
  'not-adopted': 'Not adopted by this jurisdiction',
};

const RULES_BY_ID = new Map(RULES.map((r) => [r.id, r]));

type Row = readonly [label: string, valueHtml: string, field?: string];

/** A two-column table of labelled values (row headers), which reads well on a narrow screen. */
function keyValueTable(caption: string, rows: readonly Row[]): string {
  const body = rows
    .map(
      ([label, value, field]) =>
        `<tr><th scope="row">${escapeHtml(label)}</th><td${field ? ` data-field="${field}"` : ''}>${value}</td></tr>`,
    )
    .join('');
  return `<table class="kv"><caption>${escapeHtml(caption)}</caption><tbody>${body}</tbody></table>`;
}

interface Column {
  readonly label: string;
  readonly numeric?: boolean;
}

/** A table with column headers; the first cell of each row is its row header. */
function gridTable(
  caption: string,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`)
    .join('');
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, i) => {
            const cls = columns[i]?.numeric ? ' class="num"' : '';
            return i === 0 ? `<th scope="row"${cls}>${cell}</th>` : `<td${cls}>${cell}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function regulationHtml(regulation: Regulation | undefined): string {
  return regulation === undefined ? 'None given' : link(regulation.url, regulation.citation);
}

function maybe(value: string | undefined): string {
  return value === undefined || value === '' ? 'None' : escapeHtml(value);
}

function noticeList(notices: readonly string[]): string {
  return `<ul class="notices">${notices.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
}

function summary(priced: PricedBill, meta: FragmentMeta): string {
  const { totals, parties, dates } = priced;
  const rows: Row[] = [
    ['Jurisdiction', `${escapeHtml(priced.jurisdiction.id)}: ${escapeHtml(priced.jurisdiction.name)}`],
    ['Billing method', escapeHtml(priced.jurisdiction.method)],
    [
      'Dates of service',
      dates.firstService === dates.lastService
        ? escapeHtml(dates.firstService)
        : `${escapeHtml(dates.firstService)} to ${escapeHtml(dates.lastService)}`,
    ],
  ];
  if (dates.received !== undefined) rows.push(['Received', escapeHtml(dates.received)]);
  if (priced.facility) rows.push(...facilityBillRows(priced.facility, priced.billType));
  rows.push([
    'Priced for ZIP',
    `${escapeHtml(priced.location.zip)} (${priced.location.source === 'serviceFacility' ? 'service facility' : 'billing provider'})`,
  ]);
  // Organisations only: the payer's name and the providers' NPIs (public registry numbers).
  if (parties.payer?.name) rows.push(['Payer', escapeHtml(parties.payer.name)]);
  if (parties.billingProvider?.npi)
    rows.push(['Billing provider NPI', escapeHtml(parties.billingProvider.npi)]);
  if (parties.renderingProvider?.npi)
    rows.push(['Rendering provider NPI', escapeHtml(parties.renderingProvider.npi)]);
  rows.push([
    'Lines',
    `${totals.lines} (${totals.pricedLines} priced, ${totals.deniedLines} denied, ${totals.unpricedLines} not priced)`,
  ]);

  const totalRows: Row[] = [
    ['Billed ($)', money(totals.billed), 'billed'],
    ['Allowed ($)', money(totals.allowed), 'allowed'],
    ['Withheld ($)', money(totals.withheld), 'withheld'],
  ];
  if (totals.unpricedBilled !== '0.00' || totals.unpricedLines > 0) {
    totalRows.push(['Billed on lines not priced ($)', money(totals.unpricedBilled), 'unpricedBilled']);
  }

  const bucketRows = BUCKETS.map((b) => [
    escapeHtml(BUCKET_NAMES[b]),
    money(totals.buckets[b]),
    money(totals.withheldByBucket[b] ?? '0.00'),
  ]);

  const editions = priced.editions.map((e) => [escapeHtml(e.id), escapeHtml(e.label), escapeHtml(e.file)]);

  return [
    '<section aria-labelledby="sb-bill">',
    '<h2 id="sb-bill">Bill summary</h2>',
    `<p class="meta">Page made ${escapeHtml(meta.generatedAt)}${meta.expiresAt ? `; its link works until ${escapeHtml(meta.expiresAt)}` : ''}.</p>`,
    keyValueTable('The bill', rows),
    keyValueTable('Totals', totalRows),
    gridTable(
      'Totals by bucket (allowed is the bucket’s part of the allowance; a reduction is negative)',
      [
        { label: 'Bucket' },
        { label: 'Allowed ($)', numeric: true },
        { label: 'Withheld ($)', numeric: true },
      ],
      bucketRows,
    ),
    gridTable(
      'Fee schedule editions used',
      [{ label: 'Edition' }, { label: 'Release' }, { label: 'Official file' }],
      editions,
    ),
    ruleAuthorities(priced.lines),
    priced.notices.length > 0 ? `<h3>Notices</h3>${noticeList(priced.notices)}` : '',
    '</section>',
  ].join('');
}

function overview(lines: readonly PricedLine[]): string {
  const rows = lines.map((l, i) => [
    `<a href="#sb-line-${i + 1}">${escapeHtml(l.lineNumber)}</a>`,
    escapeHtml(l.code),
    l.modifiers.length > 0 ? escapeHtml(l.modifiers.join(', ')) : 'None',
    escapeHtml(l.dateOfService),
    escapeHtml(l.units),
    money(l.billed),
    escapeHtml(STATUS_NAMES[l.status]),
    l.allowed === null ? 'Not priced' : money(l.allowed),
    l.withheld === null ? 'Not priced' : money(l.withheld),
  ]);
  const table = gridTable(
    'Every line at a glance',
    [
      { label: 'Line' },
      { label: 'Code' },
      { label: 'Modifiers' },
      { label: 'Date of service' },
      { label: 'Units', numeric: true },
      { label: 'Billed ($)', numeric: true },
      { label: 'Status' },
      { label: 'Allowed ($)', numeric: true },
      { label: 'Withheld ($)', numeric: true },
    ],
    rows,
  );
  // Wide: it scrolls sideways on a phone; focusable so a keyboard can scroll it too.
  return `<div class="table-scroll" role="region" aria-label="Every line at a glance" tabindex="0">${table}</div>`;
}

function stepHtml(step: ExplanationStep, lineIndex: number, stepIndex: number): string {
  const parts = [`<p><strong>${escapeHtml(step.step)}</strong>: ${escapeHtml(step.text)}</p>`];
  const inputs = Object.entries(step.inputs ?? {});
  if (inputs.length > 0) {
    parts.push(
      gridTable(
        `Inputs of step ${stepIndex + 1} (${step.step}), line ${lineIndex + 1}`,
        [{ label: 'Input' }, { label: 'Value' }],
        inputs.map(([k, v]) => [escapeHtml(k), escapeHtml(v)]),
      ),
    );
  }
  if (step.result !== undefined) parts.push(`<p>Result: <strong>${escapeHtml(step.result)}</strong></p>`);
  if (step.source !== undefined) {
    parts.push(
      `<p>Read from: ${escapeHtml(step.source.file)}, line ${escapeHtml(step.source.line)} (edition ${escapeHtml(step.source.edition)})</p>`,
    );
  }
  if (step.regulation !== undefined) parts.push(`<p>Authority: ${regulationHtml(step.regulation)}</p>`);
  return `<li class="step">${parts.join('')}</li>`;
}

function adjustmentHtml(a: Adjustment, index: number, count: number, line: PricedLine): string {
  const rows: Row[] = [
    ['Bucket', escapeHtml(BUCKET_NAMES[a.bucket] ?? a.bucket), 'bucket'],
    [a.amount.startsWith('-') ? 'Amount added ($)' : 'Amount withheld ($)', money(a.amount), 'amount'],
    ['Internal code', escapeHtml(a.internalCode), 'internalCode'],
    ['Group code', escapeHtml(a.groupCode), 'groupCode'],
    ['CARC', escapeHtml(a.carc), 'carc'],
    ['RARC', maybe(a.rarc), 'rarc'],
    ['State code', maybe(a.stateCode), 'stateCode'],
    ['Message', escapeHtml(a.message), 'message'],
  ];
  if (a.regulation !== undefined || a.source === undefined)
    rows.push(['Regulation', regulationHtml(a.regulation), 'regulation']);
  if (a.source !== undefined) rows.push(['Source of the value', escapeHtml(a.source), 'source']);
  return `<div class="adjustment">${keyValueTable(
    `Line ${line.lineNumber}, adjustment ${index + 1} of ${count}`,
    rows,
  )}</div>`;
}

function rulesHtml(line: PricedLine): string {
  if (line.rules.length === 0) return '<p>No bill review rule looked at this line.</p>';
  return gridTable(
    `Bill review rules that looked at line ${line.lineNumber}`,
    [{ label: 'Rule' }, { label: 'Decision' }, { label: 'Detail' }],
    line.rules.map((r) => [
      escapeHtml(RULES_BY_ID.get(r.rule)?.title ?? r.rule),
      escapeHtml(DECISION_NAMES[r.decision] ?? r.decision),
      r.message === undefined ? 'None' : escapeHtml(r.message),
    ]),
  );
}

/** Each rule that looked at any line, once, with its authority (the lines name it by title). */
function ruleAuthorities(lines: readonly PricedLine[]): string {
  const seen = new Set(lines.flatMap((l) => l.rules.map((r) => r.rule)));
  const rows = RULES.filter((r) => seen.has(r.id)).map((r) => [
    escapeHtml(r.title),
    r.stage === 'edit' ? 'Edit' : 'Payment rule',
    link(r.regulation.url, r.regulation.citation),
  ]);
  if (rows.length === 0) return '';
  return gridTable(
    'Bill review rules, in the order they run, and the authority for each',
    [{ label: 'Rule' }, { label: 'Kind' }, { label: 'Authority' }],
    rows,
  );
}

function lineHtml(line: PricedLine, i: number): string {
  const id = `sb-line-${i + 1}`;
  const head = `Line ${line.lineNumber}: ${line.code}${line.modifiers.length > 0 ? `-${line.modifiers.join('-')}` : ''}`;
  const facts: Row[] = [
    ['Code', escapeHtml(line.code), 'code'],
    ['Modifiers', line.modifiers.length > 0 ? escapeHtml(line.modifiers.join(', ')) : 'None', 'modifiers'],
    ['Date of service', escapeHtml(line.dateOfService), 'dateOfService'],
    ['Units', escapeHtml(line.units), 'units'],
    ...(line.facility
      ? facilityLineRows(line.facility)
      : [['Place of service', escapeHtml(line.placeOfService), 'placeOfService'] as const]),
    ['Billed ($)', money(line.billed), 'billed'],
    ['Status', escapeHtml(STATUS_NAMES[line.status]), 'status'],
    ['Allowed ($)', line.allowed === null ? 'Not priced' : money(line.allowed), 'allowed'],
    ['Withheld ($)', line.withheld === null ? 'Not priced' : money(line.withheld), 'withheld'],
  ];
  if (line.buckets !== null) {
    for (const b of BUCKETS) {
      if (b !== 'feeSchedule' && line.buckets[b] !== '0.00') {
        facts.push([`${BUCKET_NAMES[b]} bucket ($)`, money(line.buckets[b]), `bucket-${b}`]);
      }
    }
  }
  const parts = [
    `<section class="line" id="${id}" aria-labelledby="${id}-title" data-line-number="${escapeHtml(line.lineNumber)}">`,
    `<h3 id="${id}-title">${escapeHtml(head)}</h3>`,
    keyValueTable(`Line ${line.lineNumber}: the service and its amounts`, facts),
  ];

  parts.push('<h4>Fee schedule amount</h4>');
  if (line.unpriced !== undefined) {
    parts.push(
      `<p class="unpriced" data-field="unpriced">Not priced (${escapeHtml(line.unpriced.code)}): ${escapeHtml(line.unpriced.message)}</p>`,
    );
  }
  const fs = line.feeSchedule;
  if (fs !== null) {
    const rows: Row[] = [
      ['Method', escapeHtml(fs.method)],
      ['Edition', escapeHtml(fs.edition)],
      ['Setting', escapeHtml(fs.setting)],
      [
        'Locality',
        fs.locality === null
          ? 'None (state table amount)'
          : `${escapeHtml(fs.locality.carrier)}-${escapeHtml(fs.locality.locality)} ${escapeHtml(fs.locality.name)}`,
      ],
      ['Amount per unit ($)', money(fs.unitAmount)],
      ['Amount for all units ($)', money(fs.amount)],
    ];
    parts.push(keyValueTable(`Fee schedule amount of line ${line.lineNumber}`, rows));
  } else if (line.unpriced === undefined) {
    parts.push('<p>No fee schedule amount applies to this line.</p>');
  }

  parts.push('<h4>How the amount was worked out</h4>');
  // A figure the customer supplied (issue 20) is theirs, not ours: the page says whose.
  if (line.supplied !== undefined && line.supplied.length > 0) {
    const who = line.supplied.map(
      (u) =>
        `${u.kind === 'contract' ? 'contract' : u.kind === 'fee-table' ? 'fee table' : 'conversion factors'} ${u.id} supplied by ${u.suppliedBy} on ${u.suppliedAt.slice(0, 10)} (source: ${u.source.citation})`,
    );
    parts.push(
      `<p class="supplied" data-field="supplied">Priced with figures the payer supplied, not values we publish: ${escapeHtml(who.join('; '))}.</p>`,
    );
  }
  parts.push(
    line.explanation.length > 0
      ? `<ol class="steps">${line.explanation.map((s, j) => stepHtml(s, i, j)).join('')}</ol>`
      : '<p>No computation steps.</p>',
  );

  parts.push('<h4>Adjustments</h4>');
  parts.push(
    line.adjustments.length > 0
      ? line.adjustments.map((a, j) => adjustmentHtml(a, j, line.adjustments.length, line)).join('')
      : '<p>No adjustments: nothing was withheld from this line.</p>',
  );

  parts.push('<h4>Bill review rules</h4>', rulesHtml(line));
  if (line.notices.length > 0) parts.push('<h4>Notices</h4>', noticeList(line.notices));
  parts.push('</section>');
  return parts.join('');
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A date as people write it ("March 4, 2025"), in a `<time>` whose `datetime` keeps the ISO form.
 *
 * @param iso - "2025-03-04", or an ISO instant (its UTC date)
 * @returns the `<time>` element, or the escaped text when it is not a date
 */
export function humanDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  const month = match === null ? undefined : MONTHS[Number(match[2]) - 1];
  if (match === null || month === undefined) return escapeHtml(iso);
  return `<time datetime="${escapeHtml(iso)}">${month} ${Number(match[3])}, ${match[1]}</time>`;
}

/** "$1,234.50" in words a provider reads (the `<data>` keeps the API's amount). */
function dollars(amount: string): string {
  return amount.startsWith('-') ? `-$${money(amount.slice(1))}` : `$${money(amount)}`;
}

/** "90 days", "30 calendar days": the first time limit the payer's appeal instructions state. */
const DAYS_IN_TEXT = /\b(\d{1,3})\s+((?:calendar|business|working)\s+)?days?\b/i;

/** Text a payer wrote, escaped, its line breaks kept. */
function paragraphText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((part) => escapeHtml(part.trim()))
    .filter((part) => part !== '')
    .join('<br>');
}

/**
 * "Questions or disagree?": the bill's own reference, the payer's contact and appeal instructions
 * (the bill's, else the tenant's, field by field), and when neither gives any, a plain sentence to
 * contact the payer named on the bill. `tel:` and `mailto:` links are built here (link() takes
 * http(s) only), from values the bill schema or the tenant settings have checked, and escaped.
 */
function questions(priced: PricedBill, contact: ShownContact): string {
  const payer = contact.payerName ? escapeHtml(contact.payerName) : 'the payer named on the bill';
  const parts = [
    '<section class="questions" aria-labelledby="sb-questions">',
    '<h3 id="sb-questions">Questions or disagree?</h3>',
  ];
  if (priced.billReference !== undefined && priced.billReference !== '') {
    parts.push(
      `<p>Bill reference: <strong data-field="billReference">${escapeHtml(priced.billReference)}</strong>. Give it when you contact the payer.</p>`,
    );
  }
  const ways: string[] = [];
  if (contact.phone) {
    const dial = contact.phone.replace(/(?:x|ext\.?).*$/i, '').replace(/[^0-9+]/g, '');
    ways.push(`<li>Phone: <a href="${escapeHtml(`tel:${dial}`)}">${escapeHtml(contact.phone)}</a></li>`);
  }
  if (contact.email) {
    ways.push(
      `<li>Email: <a href="${escapeHtml(`mailto:${contact.email}`)}">${escapeHtml(contact.email)}</a></li>`,
    );
  }
  if (contact.mailingAddress)
    ways.push(`<li>Mail: <address>${paragraphText(contact.mailingAddress)}</address></li>`);
  const appealUrl = contact.appealUrl?.startsWith('https://') ? contact.appealUrl : undefined;
  if (ways.length === 0 && contact.appealInstructions === undefined && appealUrl === undefined) {
    parts.push(
      `<p>Contact ${payer}, who reviewed this bill, and ask for a reconsideration (a corrected or resubmitted bill, or a written request) naming the dates of service and line numbers below, within the time your state allows.</p>`,
    );
  } else {
    if (ways.length > 0) parts.push(`<p>Contact ${payer}:</p><ul class="contact">${ways.join('')}</ul>`);
    else parts.push(`<p>The payer: ${payer}.</p>`);
    if (contact.appealInstructions !== undefined) {
      const days = DAYS_IN_TEXT.exec(contact.appealInstructions);
      parts.push('<p><strong>To disagree with a payment:</strong></p>');
      if (days !== null) {
        parts.push(
          `<p data-field="appealDays">Time allowed: <strong>${Number(days[1])} ${escapeHtml((days[2] ?? '').toLowerCase())}day${days[1] === '1' ? '' : 's'}</strong>, as the payer's instructions say.</p>`,
        );
      }
      parts.push(`<p class="appeal">${paragraphText(contact.appealInstructions)}</p>`);
    } else {
      parts.push(
        '<p>To disagree with a payment, ask the payer for a reconsideration naming the dates of service and line numbers below, within the time your state allows.</p>',
      );
    }
    if (appealUrl !== undefined) parts.push(`<p>${link(appealUrl, "The payer's appeal page")}</p>`);
  }
  parts.push('<p>Each reason below links to the rule it applies.</p>', '</section>');
  return parts.join('');
}

/**
 * What the provider reads first: what was billed and allowed in one sentence, every line's billed
 * and allowed amount in a table narrow enough for a phone, each reduction with its reason and the
 * regulation behind it, and how to question a payment. Plain words: no method or edition ids, no
 * rule identifiers, dates as people write them (issue 15, item 1).
 */
function paidInPlainWords(priced: PricedBill, meta: FragmentMeta): string {
  const { totals, dates, parties } = priced;
  const period =
    dates.firstService === dates.lastService
      ? `on ${humanDate(dates.firstService)}`
      : `from ${humanDate(dates.firstService)} to ${humanDate(dates.lastService)}`;
  const lead =
    `<p>This bill charged ${dollars(totals.billed)} for ${totals.lines} service${totals.lines === 1 ? '' : 's'} ${period}. ` +
    `The amount allowed is <strong>${dollars(totals.allowed)}</strong>; ${dollars(totals.withheld)} was not allowed, for the reasons below.` +
    (totals.unpricedLines > 0
      ? ` ${totals.unpricedLines} line${totals.unpricedLines === 1 ? ' was' : 's were'} not priced (see the line).`
      : '') +
    '</p>';
  const rows = priced.lines.map((l) => [
    escapeHtml(l.lineNumber),
    `${escapeHtml(l.code)}${l.modifiers.length > 0 ? `-${escapeHtml(l.modifiers.join('-'))}` : ''}<br>${humanDate(l.dateOfService)}`,
    money(l.billed),
    l.allowed === null ? 'Not priced' : money(l.allowed),
  ]);
  const table = gridTable(
    'Each line: billed and allowed',
    [
      { label: 'Line' },
      { label: 'Service and date' },
      { label: 'Billed ($)', numeric: true },
      { label: 'Allowed ($)', numeric: true },
    ],
    rows,
  );
  const reasons = priced.lines.flatMap((l) =>
    l.adjustments
      .filter((a) => a.amount !== '0.00')
      .map(
        (a) =>
          `<li><strong>Line ${escapeHtml(l.lineNumber)} (${escapeHtml(l.code)}): ${a.amount.startsWith('-') ? `${dollars(a.amount.slice(1))} added` : `${dollars(a.amount)} not allowed`}.</strong> ` +
          `${escapeHtml(a.message)}${a.regulation ? ` See ${link(a.regulation.url, a.regulation.citation)}.` : a.source ? ` Source: ${escapeHtml(a.source)}.` : ''}</li>`,
      ),
  );
  const unpriced = priced.lines
    .filter((l) => l.unpriced !== undefined)
    .map(
      (l) =>
        `<li><strong>Line ${escapeHtml(l.lineNumber)} (${escapeHtml(l.code)}): not priced.</strong> ${escapeHtml(l.unpriced?.message ?? '')}</li>`,
    );
  return [
    '<section aria-labelledby="sb-summary">',
    '<h2 id="sb-summary" tabindex="-1">What was allowed, and why</h2>',
    lead,
    questions(priced, shownContact(parties.payer, meta.tenant)),
    table,
    reasons.length + unpriced.length > 0
      ? `<p>Why amounts were not allowed:</p><ul class="reasons">${[...reasons, ...unpriced].join('')}</ul>`
      : '<p>Nothing was withheld.</p>',
    `<p class="meta">Page made ${humanDate(meta.generatedAt)}${meta.expiresAt ? `; its link works until ${humanDate(meta.expiresAt)}` : ''}. <button type="button" class="no-print" id="sb-print">Print</button></p>`,
    '</section>',
  ].join('');
}

/**
 * Renders the SmartBill's details as an HTML fragment: first what was allowed and why, in plain
 * words; then, behind a disclosure, the bill summary, a table of every line and each line with its
 * computation, adjustments and rules. Every value is HTML-escaped.
 *
 * @param priced - the priced bill
 * @param meta - when the page was made and when its link expires
 * @returns the fragment (no `<html>`, no scripts, no styles: the page's CSS styles it)
 */
export function renderDetailsFragment(priced: PricedBill, meta: FragmentMeta): string {
  return [
    paidInPlainWords(priced, meta),
    '<details id="sb-technical"><summary>Technical details: fee schedule editions, rules and every step of each line</summary>',
    summary(priced, meta),
    '<section aria-labelledby="sb-lines">',
    '<h2 id="sb-lines">Lines</h2>',
    overview(priced.lines),
    priced.lines.map(lineHtml).join(''),
    '</section>',
    '</details>',
  ].join('');
}
