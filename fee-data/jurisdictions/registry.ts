/**
 * The jurisdiction registry: one JSON file a jurisdiction in this folder (the 50 states, DC, US-OWCP,
 * US-MEDICARE), each validated by {@link JurisdictionSchema}. Loading reads the files once; the
 * look-ups are pure functions of the loaded list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import {
  FACILITY_BILL_TYPES,
  type FacilityBillType,
  type Jurisdiction,
  JurisdictionSchema,
  MEDICARE_POLICIES,
  POLICY_PARAMETERS,
  type PolicyParameter,
} from '../../lambdas/domain/jurisdiction-schema.js';

/** This folder: where the jurisdiction files live. */
export const JURISDICTIONS_DIR = path.dirname(fileURLToPath(import.meta.url));

export type Edition = Jurisdiction['billTypes']['professional']['editions'][number];

/** A jurisdiction file that cannot be used, named with the file and the field at fault. */
export class JurisdictionFileError extends Error {
  override readonly name = 'JurisdictionFileError';

  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field === '' ? '' : `${field}: `}${detail}`);
  }
}

/**
 * Reads, validates and sorts every jurisdiction file of a folder.
 *
 * Besides the schema, each file's `id` must equal its file name (`AZ.json` holds `"id": "AZ"`), and
 * the editions of a bill type must be in order of effective date without overlapping, so that a date
 * of service selects one edition at most.
 *
 * @param dir - the folder of `<ID>.json` files; this folder by default
 * @returns the jurisdictions sorted by id
 * @throws JurisdictionFileError naming the file and the field when a file is not valid JSON, fails the
 *   schema, has an id other than its name, or has editions out of order or overlapping
 * @example const az = jurisdictionById(loadJurisdictions(), 'AZ');
 */
export function loadJurisdictions(dir: string = JURISDICTIONS_DIR): Jurisdiction[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const list = files.map((file) => parseJurisdictionFile(file, readFileSync(path.join(dir, file), 'utf8')));
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Validates the text of one jurisdiction file.
 *
 * @param file - the file name (`AZ.json`), used for the id check and in errors
 * @param text - the file's contents
 * @returns the jurisdiction
 * @throws JurisdictionFileError as {@link loadJurisdictions}
 */
export function parseJurisdictionFile(file: string, text: string): Jurisdiction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JurisdictionFileError(file, '', `not valid JSON (${(err as Error).message})`);
  }
  const result = v.safeParse(JurisdictionSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    throw new JurisdictionFileError(file, v.getDotPath(issue) ?? '', issue.message);
  }
  const j = result.output;
  const expected = path.basename(file, '.json');
  if (j.id !== expected) {
    throw new JurisdictionFileError(file, 'id', `is "${j.id}" but the file is named for "${expected}"`);
  }
  checkEditions(file, 'billTypes.professional.editions', j.billTypes.professional.editions);
  for (const name of FACILITY_BILL_TYPES) {
    const bt = j.billTypes[name];
    if (bt === undefined) continue;
    checkEditions(file, `billTypes.${name}.editions`, bt.editions);
    checkFacilityBillType(file, `billTypes.${name}`, bt);
  }
  checkPolicies(file, j);
  return j;
}

/**
 * Each recorded policy: a real `from` date, and state numbers only under the policy they belong to
 * and only where the policy is adopted (a number for a policy the state does not apply is a mistake).
 */
function checkPolicies(file: string, j: Jurisdiction): void {
  for (const policy of MEDICARE_POLICIES) {
    const p = j.policies?.[policy];
    if (p === undefined) continue;
    const at = `policies.${policy}`;
    if (p.from !== undefined && !isCalendarDate(p.from))
      throw new JurisdictionFileError(file, `${at}.from`, 'is not a date');
    for (const name of Object.keys(p.parameters ?? {}) as PolicyParameter[]) {
      if (POLICY_PARAMETERS[name] !== policy) {
        throw new JurisdictionFileError(
          file,
          `${at}.parameters.${name}`,
          `belongs to ${POLICY_PARAMETERS[name]}, not ${policy}`,
        );
      }
      if (!p.adopted) {
        throw new JurisdictionFileError(
          file,
          `${at}.parameters.${name}`,
          'is given for a policy not adopted',
        );
      }
    }
  }
}

/**
 * What a facility method needs to be used (lambdas/domain/jurisdiction-schema.ts, FacilityMethodSchema):
 * a Medicare `basis` for the methods that price on Medicare; factors in every edition of a
 * percent-of-medicare, each category once; no factors and a named `missing` for a fallback or an
 * unsupported method, which also cites what was read; a `data` reference in every edition of a state table; and a carve-out's
 * factor category among the factors of every edition that has factors.
 */
function checkFacilityBillType(file: string, at: string, bt: FacilityBillType): void {
  const pricesOnMedicare =
    bt.method === 'percent-of-medicare' || bt.method === 'medicare-fallback' || bt.method === 'medicare';
  if (pricesOnMedicare && bt.basis === undefined) {
    throw new JurisdictionFileError(file, `${at}.basis`, `is required for ${bt.method}`);
  }
  if ((bt.method === 'medicare-fallback' || bt.method === 'unsupported') && !bt.missing) {
    throw new JurisdictionFileError(file, `${at}.missing`, `must say what is missing for ${bt.method}`);
  }
  if (bt.method === 'unsupported' && (bt.sources ?? []).length === 0) {
    throw new JurisdictionFileError(
      file,
      `${at}.sources`,
      'an unsupported method cites the rule that was read',
    );
  }
  bt.editions.forEach((e, i) => {
    const factors = e.factors ?? [];
    const where = `${at}.editions.${i}`;
    if (bt.method === 'percent-of-medicare' && factors.length === 0) {
      throw new JurisdictionFileError(
        file,
        `${where}.factors`,
        'a percent-of-medicare edition needs its factors',
      );
    }
    if ((bt.method === 'medicare-fallback' || bt.method === 'unsupported') && factors.length > 0) {
      throw new JurisdictionFileError(file, `${where}.factors`, `${bt.method} has no factors of its own`);
    }
    if (bt.method === 'state-table' && e.data === undefined) {
      throw new JurisdictionFileError(file, `${where}.data`, 'a state-table edition names its table');
    }
    const categories = factors.map((f) => f.category);
    if (new Set(categories).size !== categories.length) {
      throw new JurisdictionFileError(file, `${where}.factors`, 'a category is given twice');
    }
    (bt.carveOuts ?? []).forEach((c, k) => {
      if (c.factorCategory !== undefined && factors.length > 0 && !categories.includes(c.factorCategory)) {
        throw new JurisdictionFileError(
          file,
          `${at}.carveOuts.${k}.factorCategory`,
          `"${c.factorCategory}" is not a factor category of ${e.id}`,
        );
      }
    });
  });
}

/** Editions in order of effective date, each ending before the next begins. */
function checkEditions(
  file: string,
  field: string,
  editions: readonly Pick<Edition, 'id' | 'effective' | 'termination'>[],
): void {
  const ids = new Set<string>();
  editions.forEach((e, i) => {
    const at = `${field}.${i}`;
    if (!isCalendarDate(e.effective))
      throw new JurisdictionFileError(file, `${at}.effective`, 'is not a date');
    if (e.termination !== null) {
      if (!isCalendarDate(e.termination))
        throw new JurisdictionFileError(file, `${at}.termination`, 'is not a date');
      if (e.termination < e.effective) {
        throw new JurisdictionFileError(file, `${at}.termination`, `ends before it begins (${e.effective})`);
      }
    }
    if (ids.has(e.id)) throw new JurisdictionFileError(file, `${at}.id`, `"${e.id}" is used twice`);
    ids.add(e.id);
    const previous = editions[i - 1];
    if (previous === undefined) return;
    if (e.effective <= previous.effective) {
      throw new JurisdictionFileError(
        file,
        `${at}.effective`,
        `is not after the previous edition (${previous.id})`,
      );
    }
    if (previous.termination !== null && previous.termination >= e.effective) {
      throw new JurisdictionFileError(
        file,
        `${at}.effective`,
        `overlaps ${previous.id}, which ends ${previous.termination}`,
      );
    }
  });
}

import { isCalendarDate } from '../../lambdas/engine/jurisdictions.js';

export { type EditionChoice, editionFor, jurisdictionById } from '../../lambdas/engine/jurisdictions.js';
