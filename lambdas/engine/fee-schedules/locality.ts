import type { EditionInfo } from '../../fee-index/header.js';
import type { FeeIndex, ZipEntry } from '../../fee-index/reader.js';
import { REGULATIONS } from '../adjustments/reason-codes.js';
import type { ExplanationStep } from '../priced-bill.js';

export type ZipLocality =
  | {
      readonly kind: 'found';
      readonly entry: ZipEntry;
      readonly step: ExplanationStep;
      /** Editions read: the ZIP file and, when held, the locality–county crosswalk. */
      readonly editions: readonly EditionInfo[];
      readonly notice?: string;
    }
  | { readonly kind: 'no-edition'; readonly message: string }
  | { readonly kind: 'unknown-zip'; readonly message: string };

/**
 * Places a five-digit ZIP in its Medicare carrier and locality through the CMS ZIP5 file in force
 * on the date.
 *
 * @param index - the fee index
 * @param zip - five digits
 * @param date - date of service, YYYY-MM-DD
 * @returns the carrier + locality with an explanation step, or why it cannot be placed
 */
export function localityOfZip(index: FeeIndex, zip: string, date: string): ZipLocality {
  // ZIP-to-locality crosswalks change rarely: a date before the first one we hold is placed with
  // the earliest we hold, and the line says so.
  const held = index.editions('zip5');
  const found = index.editionFor('zip5', date);
  const earliest = held[0];
  const choice =
    found ?? (earliest && date < earliest.effective ? { edition: earliest, pastLatest: false } : undefined);
  if (!choice) {
    return { kind: 'no-edition', message: `We hold no ZIP code to locality file for ${date}.` };
  }
  const before = found === undefined;
  const entry = index.zip(zip, choice.edition);
  if (!entry) {
    return {
      kind: 'unknown-zip',
      message: `ZIP ${zip} is not in the CMS ZIP code to carrier locality file ${choice.edition.source.file}.`,
    };
  }
  const counties = index.editionFor('locality-county', date);
  const area = counties ? index.localityCounties(entry.carrier, entry.locality, counties.edition) : undefined;
  const rural =
    entry.ruralIndicator === 'R' ? ', rural' : entry.ruralIndicator === 'B' ? ', super rural' : '';
  return {
    kind: 'found',
    entry,
    editions: area ? [entry.edition, area.edition] : [entry.edition],
    step: {
      step: 'locality',
      text: `ZIP ${zip} (${entry.state}${rural}) is in carrier ${entry.carrier} locality ${entry.locality}${area ? ` (${area.feeScheduleArea.trim()}: ${area.counties.trim()})` : ''}.`,
      inputs: { zip, carrier: entry.carrier, locality: entry.locality, state: entry.state },
      source: { file: entry.edition.source.file, line: entry.line, edition: entry.edition.id },
      regulation: REGULATIONS.zipLocality,
    },
    ...(choice.pastLatest || before || entry.plusFour
      ? {
          notice: [
            ...(choice.pastLatest || before
              ? [
                  `ZIP ${zip} placed with ${choice.edition.label}, the ${before ? 'earliest' : 'latest'} ZIP file we hold.`,
                ]
              : []),
            ...(entry.plusFour
              ? [
                  `ZIP ${zip} has localities by ZIP+4 in CMS's ZIP9 file, which we do not hold: priced on the ZIP5 locality ${entry.carrier}-${entry.locality}.`,
                ]
              : []),
          ].join(' '),
        }
      : {}),
  };
}
