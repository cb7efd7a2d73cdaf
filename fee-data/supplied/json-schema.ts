/**
 * The JSON Schemas of the supplied-file format (docs/supplied-data/*.schema.json), generated from
 * the Valibot schemas so the document cannot drift from what `wcbr data add` accepts; a test fails
 * when the committed files differ. Regenerate with `npx tsx fee-data/supplied/json-schema.ts`.
 *
 * What JSON Schema cannot say (a date is a calendar day, an NPI's check digit, a positive factor)
 * is left out of the generated files and written in the README; `wcbr data add` checks it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import {
  ContractInputSchema,
  ConversionFactorsInputSchema,
  FeeTableInputSchema,
} from '../../lambdas/domain/supplied-input.js';
import { REPO_ROOT } from '../paths.js';

/** Where the generated files are committed. */
export const SUPPLIED_DOCS_DIR = path.join(REPO_ROOT, 'docs', 'supplied-data');

/**
 * The three schemas as JSON Schema documents, by file name.
 *
 * @returns file name → the file's text
 */
export function suppliedJsonSchemas(): Record<string, string> {
  const kinds = {
    'conversion-factors.schema.json': ConversionFactorsInputSchema,
    'fee-table.schema.json': FeeTableInputSchema,
    'contract.schema.json': ContractInputSchema,
  };
  return Object.fromEntries(
    Object.entries(kinds).map(([file, schema]) => {
      // 'ignore': checks JSON Schema cannot express (v.check) are documented in the README instead.
      const json = toJsonSchema(schema, { errorMode: 'ignore' });
      const document = {
        title: `wcbr supplied file, format v1: ${file.replace('.schema.json', '')}`,
        description:
          'Generated from lambdas/domain/supplied-input.ts; docs/supplied-data/README.md lists the checks JSON Schema cannot express.',
        ...json,
      };
      return [file, `${JSON.stringify(document, null, 2)}\n`];
    }),
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [file, text] of Object.entries(suppliedJsonSchemas())) {
    writeFileSync(path.join(SUPPLIED_DOCS_DIR, file), text);
    process.stdout.write(`wrote docs/supplied-data/${file}\n`);
  }
}
