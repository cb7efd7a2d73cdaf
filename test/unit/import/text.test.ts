import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeText,
  field,
  ImportError,
  padDigits,
  parseCsv,
  RULES,
  requireColumnCount,
  requireFinalLineBreak,
  stripFootnoteMarks,
} from '../../../fee-data/import/text.js';
import { importErrorOf, latin1, utf8 } from './import-test-helpers.js';
import { referenceDataDir, referenceFile } from './reference-data.js';

describe('decodeText', () => {
  it('reads valid UTF-8 as UTF-8', () => {
    expect(decodeText(utf8('DOÑA ANA – “x”'))).toEqual({ text: 'DOÑA ANA – “x”', encoding: 'utf-8' });
  });

  it('falls back to latin-1 when the bytes are not UTF-8', () => {
    expect(decodeText(latin1('DO\u00d1A ANA caf\u00e9'))).toEqual({
      text: 'DOÑA ANA café',
      encoding: 'windows-1252',
    });
  });

  it('maps 0x80-0x9F as cp1252 (dashes, curly quotes, euro), undefined bytes to C1 controls', () => {
    const bytes = new Uint8Array([0x41, 0x96, 0x42, 0x93, 0x43, 0x94, 0x80, 0x81, 0xa0]);
    expect(decodeText(bytes).text).toBe('A\u2013B\u201cC\u201d\u20ac\u0081\u00a0');
  });

  it('drops a UTF-8 byte order mark, also before latin-1 text', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x62])).text).toBe('ab');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xe9])).text).toBe('a\u00e9');
  });

  it('decodes large latin-1 input in chunks without losing characters', () => {
    const text = 'x\u00e9'.repeat(40_000);
    expect(decodeText(latin1(text)).text).toBe(text);
  });

  it('reads the real PPRRVU 2025 file: its bytes are all ASCII, so UTF-8 and latin-1 agree', () => {
    // SOURCES.md calls the file latin-1; it has no byte above 0x7F, so either reading is the same.
    const bytes = readFileSync(referenceFile('mpfs-rvu', 'PPRRVU2025_Oct.csv'));
    expect(bytes.some((b) => b > 0x7f)).toBe(false);
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text).toBe(bytes.toString('latin1'));
  });
});

describe('parseCsv', () => {
  it('splits rows and cells and numbers physical lines (CRLF, LF and CR)', () => {
    const table = parseCsv('a,b\r\nc,d\ne,f\rg,h\r\n', 'x.csv');
    expect(table.rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', 'd'] },
      { line: 3, cells: ['e', 'f'] },
      { line: 4, cells: ['g', 'h'] },
    ]);
    expect(table.endsWithLineBreak).toBe(true);
  });

  it('handles quoted cells with commas, doubled quotes and line breaks, and keeps counting lines', () => {
    const text = 'h1,h2\r\n"a, b","say ""hi"""\r\n"multi\r\nline\nvalue",x\r\nlast,row\r\n';
    expect(parseCsv(text, 'x.csv').rows).toEqual([
      { line: 1, cells: ['h1', 'h2'] },
      { line: 2, cells: ['a, b', 'say "hi"'] },
      { line: 3, cells: ['multi\r\nline\nvalue', 'x'] },
      { line: 6, cells: ['last', 'row'] },
    ]);
  });

  it('keeps empty cells, empty lines and a quote inside an unquoted cell', () => {
    expect(parseCsv(',,\r\n\r\n12" ruler,\r\n', 'x.csv').rows).toEqual([
      { line: 1, cells: ['', '', ''] },
      { line: 2, cells: [''] },
      { line: 3, cells: ['12" ruler', ''] },
    ]);
  });

  it('reports a missing final line break', () => {
    const table = parseCsv('a,b\r\nc,d', 'x.csv');
    expect(table.rows).toHaveLength(2);
    expect(table.endsWithLineBreak).toBe(false);
    expect(importErrorOf(() => requireFinalLineBreak(table, 'x.csv'))).toMatchObject({ line: 2, column: 2 });
  });

  it('parses empty text as no rows', () => {
    expect(parseCsv('', 'x.csv')).toEqual({ rows: [], endsWithLineBreak: true });
  });

  it('rejects an unterminated quoted cell at the line and column where it opens', () => {
    const error = importErrorOf(() => parseCsv('a,b\r\nc,"never\r\nclosed\r\n', 'x.csv'));
    expect(error).toMatchObject({ file: 'x.csv', line: 2, column: 2 });
    expect(error.message).toMatch(/^x\.csv line 2 column 2: quoted cell is never closed/);
  });

  it('rejects text after a closing quote', () => {
    expect(importErrorOf(() => parseCsv('a,"b"c\r\n', 'x.csv'))).toMatchObject({ line: 1, column: 2 });
  });
});

describe('ImportError', () => {
  it('names file, line, column and the column name in its message', () => {
    const error = new ImportError(
      { file: 'PPRRVU2025_Oct.csv', line: 123, column: 6, columnName: 'WORK RVU' },
      '"1.3x" is not a number with two decimals',
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ImportError');
    expect(error.message).toBe(
      'PPRRVU2025_Oct.csv line 123 column 6 (WORK RVU): "1.3x" is not a number with two decimals',
    );
    expect(error).toMatchObject({ file: 'PPRRVU2025_Oct.csv', line: 123, column: 6, columnName: 'WORK RVU' });
  });
});

describe('field helpers', () => {
  const row = { line: 7, cells: [' 1.30 ', '1.3x', ''] };

  it('trims a cell and checks it against a rule', () => {
    expect(field('f.csv', row, 0, 'WORK RVU', RULES.twoDecimals)).toBe('1.30');
    const error = importErrorOf(() => field('f.csv', row, 1, 'PE RVU', RULES.twoDecimals));
    expect(error.message).toBe('f.csv line 7 column 2 (PE RVU): "1.3x" is not a number with two decimals');
  });

  it('names the first missing column of a short row', () => {
    const error = importErrorOf(() => requireColumnCount('f.csv', row, ['A', 'B', 'C', 'D', 'E']));
    expect(error).toMatchObject({ line: 7, column: 4, columnName: 'D' });
  });

  it('pads digits and strips footnote asterisks', () => {
    expect(padDigits('2102', 5)).toBe('02102');
    expect(padDigits('0', 2)).toBe('00');
    expect(stripFootnoteMarks('WYOMING**')).toBe('WYOMING');
    expect(stripFootnoteMarks('REST OF STATE* ')).toBe('REST OF STATE');
  });
});

describe('referenceDataDir', () => {
  it('fails naming the directory when it is missing', () => {
    const saved = process.env.WCBR_REFERENCE_DATA;
    process.env.WCBR_REFERENCE_DATA = '/nonexistent/wcbr-reference-data';
    try {
      expect(() => referenceDataDir()).toThrow(
        /reference data directory not found: \/nonexistent\/wcbr-reference-data/,
      );
    } finally {
      if (saved === undefined) delete process.env.WCBR_REFERENCE_DATA;
      else process.env.WCBR_REFERENCE_DATA = saved;
    }
  });
});
