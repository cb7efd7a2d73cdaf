/**
 * Checks the files a customer supplies (issue 20, format v1: docs/supplied-data/README.md) before
 * anything is stored or built: the strict schema, then what the schema cannot see alone (the
 * jurisdiction is in the registry, rows are unique and coherent, the dates are in order). Every
 * problem is reported with its file, row and column, all of them at once, so a customer fixes a
 * file in one pass; nothing is half-accepted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import type { SuppliedKind } from '../../lambdas/domain/supplied.js';
import {
  FEE_ROW_COLUMNS,
  FeeRowInputSchema,
  SUPPLIED_FORMAT,
  SUPPLIED_FORMAT_VERSION,
  type SuppliedInput,
  SuppliedInputSchema,
} from '../../lambdas/domain/supplied-input.js';
import { ImportError, parseCsv } from '../import/text.js';

/** One problem with a supplied file. row: CSV physical line or array index + 1; column: CSV column or JSON path. */
export interface SuppliedError {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
  readonly message: string;
}

/** A fee table row after its checks, amounts as written ('' = none). */
export interface SuppliedFeeRow {
  readonly code: string;
  readonly modifier: string;
  readonly nonFacility: string;
  readonly facility: string;
  readonly rural: string;
  readonly pctc: string;
  readonly byReport: boolean;
  /** The CSV's physical line, or the array position + 1 of an inline row. */
  readonly line: number;
}

/** A file that passed every check of its own (conflicts with others are checked by conflicts.ts). */
export interface SuppliedItem {
  readonly id: string;
  readonly kind: SuppliedKind;
  readonly input: SuppliedInput;
  /** A fee table's rows, or a contract table's; absent for factors and percentage contracts. */
  readonly rows?: readonly SuppliedFeeRow[];
  /** The file the rows were read from (the CSV, or the JSON for inline rows). */
  readonly rowsFile?: string;
  /** The file names and bytes, JSON first, as they are stored. */
  readonly files: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** The JSON name, and the CSV's joined with " + ". */
  readonly file: string;
  /** SHA-256 of the JSON's bytes followed by the CSV's. */
  readonly sha256: string;
}

export type SuppliedCheck =
  | { readonly ok: true; readonly items: readonly SuppliedItem[] }
  | { readonly ok: false; readonly errors: readonly SuppliedError[] };

/** The largest file accepted (JSON or CSV), in bytes. */
export const MAX_SUPPLIED_FILE_BYTES = 50 * 1024 * 1024;
/** The most rows a table may hold (a state's whole professional schedule is under 20,000). */
export const MAX_SUPPLIED_ROWS = 500_000;
/** Errors reported per file before the rest are counted, so a wholly wrong file stays readable. */
const MAX_ERRORS_PER_FILE = 200;

/**
 * Reads and checks supplied JSON files from disk (each fee table's CSV from beside its JSON). A CSV
 * given on the command line beside the JSON that names it is skipped (it is read through that JSON).
 *
 * @param paths - the JSON files (and possibly their CSVs)
 * @param jurisdictions - the registry the jurisdictions must be in
 * @returns the items, or every error of every file
 */
export function checkSuppliedPaths(
  paths: readonly string[],
  jurisdictions: readonly Jurisdiction[],
): SuppliedCheck {
  const errors: SuppliedError[] = [];
  const items: SuppliedItem[] = [];
  const named = new Set<string>();
  const jsons: string[] = [];
  for (const p of paths) {
    if (p.toLowerCase().endsWith('.csv')) continue;
    jsons.push(p);
  }
  for (const p of jsons) {
    const file = path.basename(p);
    const bytes = readLimited(p, file, errors);
    if (bytes === undefined) continue;
    const result = checkSuppliedFile(
      file,
      bytes,
      (name) => {
        const sibling = path.join(path.dirname(p), name);
        named.add(path.resolve(sibling));
        return existsSync(sibling) ? readLimited(sibling, name, errors) : undefined;
      },
      jurisdictions,
    );
    if (result.ok) items.push(...result.items);
    else errors.push(...result.errors);
  }
  for (const p of paths) {
    if (p.toLowerCase().endsWith('.csv') && !named.has(path.resolve(p))) {
      errors.push({
        file: path.basename(p),
        message: 'a CSV is added through the JSON file whose "rows" names it; no JSON given names this one',
      });
    }
  }
  const seen = new Map<string, string>();
  for (const item of items) {
    const other = seen.get(item.id);
    if (other !== undefined)
      errors.push({ file: item.file, column: 'id', message: `id ${item.id} is also the id of ${other}` });
    seen.set(item.id, item.file);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items };
}

function readLimited(p: string, file: string, errors: SuppliedError[]): Uint8Array | undefined {
  try {
    const size = statSync(p).size;
    if (size > MAX_SUPPLIED_FILE_BYTES) {
      errors.push({
        file,
        message: `${size} bytes: larger than the ${MAX_SUPPLIED_FILE_BYTES} bytes accepted`,
      });
      return undefined;
    }
    return readFileSync(p);
  } catch (error) {
    errors.push({ file, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    return undefined;
  }
}

/**
 * Checks one supplied JSON file and the CSV it names.
 *
 * @param file - the JSON file's name (no directory), for errors
 * @param bytes - its bytes
 * @param sibling - reads a file beside it by name (its CSV), undefined when there is none
 * @param jurisdictions - the registry
 * @returns the item, or its errors
 */
export function checkSuppliedFile(
  file: string,
  bytes: Uint8Array,
  sibling: (name: string) => Uint8Array | undefined,
  jurisdictions: readonly Jurisdiction[],
): SuppliedCheck {
  const errors = new ErrorList(file);
  const text = decodeUtf8(bytes);
  if (text === undefined) return errors.fail({ message: 'not UTF-8 text' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return errors.fail({ message: `not valid JSON (${(error as Error).message})` });
  }
  const head = (json ?? {}) as Record<string, unknown>;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return errors.fail({ message: 'a supplied file is one JSON object' });
  if (head.format !== SUPPLIED_FORMAT)
    return errors.fail({
      column: 'format',
      message: `not a supplied file: "format" must be "${SUPPLIED_FORMAT}"`,
    });
  if (head.version !== SUPPLIED_FORMAT_VERSION)
    return errors.fail({
      column: 'version',
      message: `version ${JSON.stringify(head.version)} is not read by this build: it reads version ${SUPPLIED_FORMAT_VERSION}`,
    });
  const parsed = v.safeParse(SuppliedInputSchema, json, { abortPipeEarly: true });
  if (!parsed.success) {
    for (const issue of parsed.issues.flatMap(innerIssues)) errors.add(issueError(issue));
    return errors.result();
  }
  const input = parsed.output;
  checkDates(input, errors);
  checkJurisdictions(input, jurisdictions, errors);
  const files = [{ name: file, bytes }];
  let rows: SuppliedFeeRow[] | undefined;
  let rowsFile: string | undefined;
  const rowsSpec =
    input.kind === 'fee-table'
      ? { value: input.rows, at: 'rows' }
      : input.kind === 'contract' && input.terms.table !== undefined
        ? { value: input.terms.table, at: 'terms.table' }
        : undefined;
  if (rowsSpec !== undefined) {
    if (typeof rowsSpec.value === 'string') {
      rowsFile = rowsSpec.value;
      const csv = sibling(rowsSpec.value);
      if (csv === undefined) {
        errors.add({ column: rowsSpec.at, message: `${rowsSpec.value} is not beside ${file}` });
      } else {
        files.push({ name: rowsSpec.value, bytes: csv });
        rows = csvRows(rowsSpec.value, csv, errors);
      }
    } else {
      rowsFile = file;
      rows = inlineRows(rowsSpec.value, rowsSpec.at, errors);
    }
    if (rows !== undefined)
      checkRows(rows, rowsFile, typeof rowsSpec.value === 'string' ? undefined : rowsSpec.at, errors);
  }
  if (errors.count > 0) return errors.result();
  const sha = createHash('sha256');
  for (const f of files) sha.update(f.bytes);
  const item: SuppliedItem = {
    id: input.id,
    kind: input.kind,
    input,
    ...(rows === undefined ? {} : { rows }),
    ...(rowsFile === undefined ? {} : { rowsFile }),
    files,
    file: files.map((f) => f.name).join(' + '),
    sha256: sha.digest('hex'),
  };
  return { ok: true, items: [item] };
}

/** Errors of one file, capped so that a wholly wrong file stays readable. */
class ErrorList {
  readonly list: SuppliedError[] = [];
  count = 0;

  constructor(readonly file: string) {}

  add(error: Omit<SuppliedError, 'file'> & { file?: string }): void {
    this.count++;
    if (this.count <= MAX_ERRORS_PER_FILE) this.list.push({ file: this.file, ...error });
  }

  fail(error: Omit<SuppliedError, 'file'>): SuppliedCheck {
    this.add(error);
    return this.result();
  }

  result(): SuppliedCheck {
    const extra = this.count - this.list.length;
    return {
      ok: false,
      errors:
        extra > 0 ? [...this.list, { file: this.file, message: `and ${extra} more errors` }] : [...this.list],
    };
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // A byte-order mark is allowed (spreadsheet programs write one) and dropped.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The issues that say what is wrong inside a union (`rows`: an array of rows or a CSV name): those
 * of the branch the value's type chose, rather than "neither".
 */
function innerIssues(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] {
  if (issue.type !== 'union' || issue.issues === undefined) return [issue];
  // A branch's issues have paths from the union's value: prefix the union's own.
  const inner = (
    Array.isArray(issue.input)
      ? issue.issues.filter((i) => (i.path?.length ?? 0) > 0)
      : issue.issues.filter((i) => i.type !== 'array' && i.type !== 'min_length')
  ).map((i) => ({ ...i, path: [...(issue.path ?? []), ...(i.path ?? [])] }) as v.BaseIssue<unknown>);
  return inner.length > 0 ? inner.flatMap(innerIssues) : [issue];
}

/** A Valibot issue as an error: the JSON path (`factors[1].value`) and, inside an array, its row. */
function issueError(issue: v.BaseIssue<unknown>): Omit<SuppliedError, 'file'> {
  let column = '';
  let row: number | undefined;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') {
      column += `[${key}]`;
      row = key + 1;
    } else column += column === '' ? String(key) : `.${String(key)}`;
  }
  const unknownField =
    issue.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never';
  const message = unknownField ? `unknown field ${column.split('.').pop() ?? column}` : issue.message;
  return { ...(row === undefined ? {} : { row }), ...(column === '' ? {} : { column }), message };
}

function checkDates(input: SuppliedInput, errors: ErrorList): void {
  if (input.termination !== null && input.termination < input.effective)
    errors.add({
      column: 'termination',
      message: `termination ${input.termination} is before effective ${input.effective}`,
    });
}

function checkJurisdictions(
  input: SuppliedInput,
  jurisdictions: readonly Jurisdiction[],
  errors: ErrorList,
): void {
  const ids = new Set(jurisdictions.map((j) => j.id));
  // An edition of US-MEDICARE is refused (it is Medicare itself); a contract may be limited to it.
  const check = (id: string, column: string, edition: boolean) => {
    if (edition && id === 'US-MEDICARE')
      errors.add({
        column,
        message: 'US-MEDICARE is Medicare itself, not a state schedule a customer can supply',
      });
    else if (!ids.has(id)) errors.add({ column, message: `${id} is not a jurisdiction of the registry` });
  };
  if (input.kind === 'contract') {
    for (const [i, j] of (input.jurisdictions ?? []).entries()) check(j, `jurisdictions[${i}]`, false);
  } else check(input.jurisdiction, 'jurisdiction', true);
}

function csvRows(file: string, bytes: Uint8Array, errors: ErrorList): SuppliedFeeRow[] | undefined {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    errors.add({ file, message: 'not UTF-8 text' });
    return undefined;
  }
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text, file);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    errors.add({ file, row: error.line, column: `column ${error.column}`, message: error.problem });
    return undefined;
  }
  const [header, ...records] = table.rows.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
  if (header === undefined) {
    errors.add({ file, message: `empty: a header row is required (${FEE_ROW_COLUMNS.join(',')})` });
    return undefined;
  }
  const names = header.cells.map((c) => c.trim().toLowerCase());
  let headerOk = true;
  for (const column of FEE_ROW_COLUMNS) {
    if (!names.includes(column)) {
      errors.add({ file, row: header.line, column, message: `the header has no ${column} column` });
      headerOk = false;
    }
  }
  names.forEach((name, i) => {
    if (!(FEE_ROW_COLUMNS as readonly string[]).includes(name)) {
      errors.add({
        file,
        row: header.line,
        column: name || `column ${i + 1}`,
        message: `unknown column ${JSON.stringify(header.cells[i])}`,
      });
      headerOk = false;
    } else if (names.indexOf(name) !== i) {
      errors.add({ file, row: header.line, column: name, message: `column ${name} appears twice` });
      headerOk = false;
    }
  });
  if (!headerOk) return undefined;
  if (records.length > MAX_SUPPLIED_ROWS) {
    errors.add({ file, message: `${records.length} rows: more than the ${MAX_SUPPLIED_ROWS} accepted` });
    return undefined;
  }
  const rows: SuppliedFeeRow[] = [];
  for (const record of records) {
    if (record.cells.length !== names.length) {
      errors.add({
        file,
        row: record.line,
        message: `${record.cells.length} cells where the header has ${names.length}`,
      });
      continue;
    }
    const cells = Object.fromEntries(names.map((name, i) => [name, (record.cells[i] as string).trim()]));
    const row = parseRow(cells, record.line, (column, message) =>
      errors.add({ file, row: record.line, column, message }),
    );
    if (row !== undefined) rows.push(row);
  }
  return rows;
}

function inlineRows(
  value: readonly Record<string, string | undefined>[],
  at: string,
  errors: ErrorList,
): SuppliedFeeRow[] | undefined {
  if (value.length > MAX_SUPPLIED_ROWS) {
    errors.add({ column: at, message: `${value.length} rows: more than the ${MAX_SUPPLIED_ROWS} accepted` });
    return undefined;
  }
  const rows: SuppliedFeeRow[] = [];
  value.forEach((cells, i) => {
    const row = parseRow(cells, i + 1, (column, message) =>
      errors.add({ row: i + 1, column: `${at}[${i}].${column}`, message }),
    );
    if (row !== undefined) rows.push(row);
  });
  return rows;
}

function parseRow(
  cells: Record<string, string | undefined>,
  line: number,
  report: (column: string, message: string) => void,
): SuppliedFeeRow | undefined {
  // Blank cells are absent fields, so one schema reads a CSV record and an inline row alike.
  const present = Object.fromEntries(Object.entries(cells).filter(([, c]) => c !== ''));
  const parsed = v.safeParse(FeeRowInputSchema, present, { abortPipeEarly: true });
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const column = String(issue.path?.[0]?.key ?? 'code');
      const unknown = issue.type === 'strict_object' && issue.expected === 'never';
      report(column, unknown ? `unknown field ${column}` : issue.message);
    }
    return undefined;
  }
  const r = parsed.output;
  const row: SuppliedFeeRow = {
    code: r.code,
    modifier: r.modifier ?? '',
    nonFacility: r.non_facility ?? '',
    facility: r.facility ?? '',
    rural: r.rural ?? '',
    pctc: r.pctc ?? '',
    byReport: r.by_report === 'Y',
    line,
  };
  const amounts = row.nonFacility !== '' || row.facility !== '' || row.rural !== '';
  if (row.byReport && amounts) report('by_report', 'a by-report row carries no amount');
  else if (!row.byReport && !amounts)
    report('non_facility', 'a row has at least one amount (non_facility, facility or rural) or by_report Y');
  else if ((row.modifier === '26' || row.modifier === 'TC') && row.pctc !== '' && row.pctc !== '1')
    report('modifier', `a ${row.modifier} row is for a code whose PC/TC indicator is 1, not ${row.pctc}`);
  else return row;
  return undefined;
}

function checkRows(
  rows: readonly SuppliedFeeRow[],
  file: string,
  inlineAt: string | undefined,
  errors: ErrorList,
): void {
  const first = new Map<string, number>();
  rows.forEach((row) => {
    const key = `${row.code}|${row.modifier}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, row.line);
      return;
    }
    const where = inlineAt === undefined ? `line ${earlier}` : `${inlineAt}[${earlier - 1}]`;
    errors.add({
      file,
      row: row.line,
      column: inlineAt === undefined ? 'code' : `${inlineAt}[${row.line - 1}].code`,
      message: `${row.code}${row.modifier === '' ? '' : `-${row.modifier}`} is already on ${where}: one row a code and modifier`,
    });
  });
}
