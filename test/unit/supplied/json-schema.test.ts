import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPLIED_DOCS_DIR, suppliedJsonSchemas } from '../../../fee-data/supplied/json-schema.js';

/** docs/supplied-data/*.schema.json are what the Valibot schemas generate (issue 20). */
describe('the supplied-file JSON Schemas', () => {
  it.each(Object.entries(suppliedJsonSchemas()))('%s is as generated', (file, text) => {
    const committed = JSON.parse(readFileSync(path.join(SUPPLIED_DOCS_DIR, file), 'utf8'));
    // Compared as JSON (the formatter may lay the committed file out differently).
    expect(committed, 'run `npx tsx fee-data/supplied/json-schema.ts` and commit the files').toEqual(
      JSON.parse(text),
    );
  });

  it('documents every field of every kind in the README', () => {
    const readme = readFileSync(path.join(SUPPLIED_DOCS_DIR, 'README.md'), 'utf8');
    for (const text of Object.values(suppliedJsonSchemas())) {
      const properties = Object.keys(
        (JSON.parse(text) as { properties: Record<string, unknown> }).properties,
      );
      for (const name of properties) expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
