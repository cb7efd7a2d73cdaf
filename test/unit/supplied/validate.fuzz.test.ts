import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadJurisdictions } from '../../../fee-data/jurisdictions/registry.js';
import { checkSuppliedFile } from '../../../fee-data/supplied/validate.js';
import { cfFile, contractFile, tableFile } from '../../support/supplied.js';

/** Any bytes given to the supplied-file checks give an answer (items or errors), never a throw. */

const registry = loadJurisdictions();
const encoder = new TextEncoder();

describe('checkSuppliedFile under fuzzing', () => {
  it('answers arbitrary JSON values and bytes with errors, never a throw', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((value) => encoder.encode(JSON.stringify(value))),
          fc.uint8Array({ maxLength: 200 }),
        ),
        fc.string({ maxLength: 200 }),
        (bytes, csv) => {
          const result = checkSuppliedFile('f.json', bytes, () => encoder.encode(csv), registry);
          if (!result.ok) {
            refused++;
            expect(result.errors.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
    // A guard against running vacuously: random input is refused.
    expect(refused).toBeGreaterThan(250);
  });

  it('answers every file of the three kinds with one field replaced by an arbitrary value', () => {
    const bases = [cfFile(), tableFile(), contractFile(), tableFile({ rows: 't.csv' })];
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.string({ maxLength: 12 }),
        fc.jsonValue(),
        fc.string({ maxLength: 300 }),
        (base, key, value, csv) => {
          const keys = Object.keys(base);
          const field = keys[key.length % keys.length] as string;
          const file = { ...base, [field]: value };
          const result = checkSuppliedFile(
            'f.json',
            encoder.encode(JSON.stringify(file)),
            () => encoder.encode(csv),
            registry,
          );
          expect(result.ok ? result.items.length : result.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
