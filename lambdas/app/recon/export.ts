/**
 * The de-identified export of a tenant's Recons (issue 6, item 6): every stored sequence of every
 * control number, opened under its own encryption context and reduced by HIPAA Safe Harbor
 * (deidentify.ts) before it leaves this module. Only de-identified records are ever handed to
 * `write`; the decrypted content stays inside one loop iteration.
 */
import { randomUUID } from 'node:crypto';
import { type DeidentifiedRecord, deidentifySequence, pseudonymDerivedFrom } from './deidentify.js';
import type { DataKeyProvider, ReconStore } from './ports.js';
import { reconEncryptionContext } from './ports.js';
import type { Envelope } from './service.js';

/** What the export reads with: the store, the data keys and the envelope (no clock, no retention). */
export interface ReconExportDependencies {
  readonly store: ReconStore;
  readonly keys: DataKeyProvider;
  readonly envelope: Pick<Envelope, 'openJson'>;
}

/** Options of {@link exportDeidentified}. */
export interface ReconExportOptions {
  /**
   * Items a listing page asks for.
   * @default 100
   */
  readonly pageSize?: number | undefined;
  /**
   * A new pseudonym for each control number. It must be random, never derived from the control
   * number (45 CFR § 164.514(c)(1)).
   * @default crypto.randomUUID
   */
  readonly pseudonym?: (() => string) | undefined;
  /**
   * The year the export is released (ages over 89 in that year are aggregated too).
   * @default the current UTC year
   */
  readonly referenceYear?: number | undefined;
  /** Another restricted ZIP3 set (deidentify.ts); default HHS's list. */
  readonly restrictedZip3?: ReadonlySet<string> | undefined;
}

/** How much an export wrote. */
export interface ReconExportSummary {
  readonly controlNumbers: number;
  readonly sequences: number;
}

const DEFAULT_PAGE_SIZE = 100;

/** Draws before a source that keeps giving pseudonyms holding the control number is refused. */
const PSEUDONYM_DRAWS = 8;

/**
 * A fresh pseudonym for a control number, drawn again in the (vanishing) case that a random one
 * happens to hold a long control number, so that chance never aborts an export; a source that
 * keeps returning derived pseudonyms is a bug and is left to deidentifySequence to refuse.
 */
function drawPseudonym(next: () => string, controlNumber: string): string {
  let pseudonym = next();
  for (let draw = 1; draw < PSEUDONYM_DRAWS && pseudonymDerivedFrom(pseudonym, controlNumber); draw++) {
    pseudonym = next();
  }
  return pseudonym;
}

/**
 * Writes one de-identified record per stored sequence of the tenant: every control number (all
 * pages), every sequence of each (all pages, newest first as stored). Pseudonyms are random per
 * run and the same for every sequence of one control number within the run, so sequences of a
 * bill can be linked to each other but not to the bill, nor across two exports.
 *
 * @param deps - store, data keys and envelope (the handlers' Recon dependencies fit)
 * @param tenant - whose Recons; every read names it, so no other tenant's item is touched
 * @param write - receives each record in turn (awaited: back pressure is the writer's)
 * @param options - page size, pseudonym source, year of release, restricted ZIP3s
 * @returns how many control numbers and sequences were written
 * @throws DecryptionError (envelope.ts) when a sequence does not open; nothing further is written
 */
export async function exportDeidentified(
  deps: ReconExportDependencies,
  tenant: string,
  write: (record: DeidentifiedRecord) => Promise<void> | void,
  options: ReconExportOptions = {},
): Promise<ReconExportSummary> {
  const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const nextPseudonym = options.pseudonym ?? randomUUID;
  const referenceYear = options.referenceYear ?? new Date().getUTCFullYear();
  const pseudonyms = new Map<string, string>();
  let controlNumbers = 0;
  let sequences = 0;
  let controlPage: string | undefined;
  do {
    const page = await deps.store.listControlNumbers(tenant, { limit, pageToken: controlPage });
    for (const { controlNumber, pointer } of page.items) {
      let pseudonym = pseudonyms.get(controlNumber);
      if (pseudonym === undefined) {
        pseudonym = drawPseudonym(nextPseudonym, controlNumber);
        pseudonyms.set(controlNumber, pseudonym);
      }
      let wrote = false;
      let sequencePage: string | undefined;
      do {
        const listed = await deps.store.listSequences(tenant, controlNumber, {
          limit,
          pageToken: sequencePage,
        });
        for (const item of listed.items) {
          const context = reconEncryptionContext(tenant, controlNumber, item.sequence);
          const content = await deps.envelope.openJson(deps.keys, context, item.sealed);
          await write(
            deidentifySequence(content, {
              pseudonym,
              sequence: item.sequence,
              latest: item.sequence === pointer.sequence,
              referenceYear,
              restrictedZip3: options.restrictedZip3,
            }),
          );
          sequences += 1;
          wrote = true;
        }
        sequencePage = listed.nextPageToken;
      } while (sequencePage !== undefined);
      if (wrote) controlNumbers += 1;
    }
    controlPage = page.nextPageToken;
  } while (controlPage !== undefined);
  return { controlNumbers, sequences };
}
