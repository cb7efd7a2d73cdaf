/** Small helpers shared by the importer tests. */
import { readFileSync } from 'node:fs';
import { ImportError } from '../../../fee-data/import/text.js';

/**
 * Runs an import that must fail and returns its ImportError.
 *
 * @param run - the import
 * @returns the error it threw
 * @throws Error when it succeeds or throws something else
 */
export function importErrorOf(run: () => unknown): ImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError, but the import succeeded');
}

/** UTF-8 bytes of a text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Latin-1 bytes of a text (every character must be below U+0100). */
export function latin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error(`not latin-1: ${text[i]}`);
    bytes[i] = code;
  }
  return bytes;
}

/**
 * The lines of a reference file (read as latin-1, which never fails), without line breaks.
 *
 * @param path - the file
 * @returns its lines; a final line break does not add an empty line
 */
export function fileLines(path: string): string[] {
  const lines = Buffer.from(readFileSync(path))
    .toString('latin1')
    .split(/\r\n|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines into CSV text with CRLF line endings, as CMS writes them, and a final line break. */
export function crlf(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}
