import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../fee-data/paths.js';
import { layout, TABLES } from '../../../lambdas/fee-index/schema.js';

describe('FORMAT.md', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'lambdas/fee-index/FORMAT.md'), 'utf8');

  it.each(TABLES.map((t) => [t.name, t] as const))(
    'describes the %s table as the schema lays it out',
    (_name, table) => {
      const { recordSize, offsets } = layout(table);
      expect(doc).toContain(
        `### \`${table.name}\` (${recordSize} bytes a record; key: ${table.key.join(', ')})`,
      );
      for (const field of table.fields) {
        const type = `${field.type}${'scale' in field && field.scale ? ` ×10^${field.scale}` : ''}`;
        // Cells may be padded: the formatter aligns Markdown tables.
        const cell = (text: string) => `\\|\\s*${text.replace(/[\^]/g, '\\^')}\\s*`;
        expect(doc).toMatch(
          new RegExp(`${cell(String(offsets[field.name]))}${cell(field.name)}${cell(type)}\\|`),
        );
      }
    },
  );
});
