import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NotAPricedBillError, parsePricedBill } from './priced-bill-input.js';
import { renderOpenSmartBill } from './render.js';
import { SmartBillSealError } from './seal.js';

/** Where the command reads and writes; the real process by default, buffers in tests. */
export interface SmartbillCommandIo {
  readonly readStdin: () => Promise<string>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const USAGE = 'usage: wcbr smartbill FILE|- [--out PATH]\n';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const PROCESS_IO: SmartbillCommandIo = {
  readStdin: () => readAll(process.stdin),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function parseCommandLine(args: string[]) {
  return parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
}

/** FILE with its extension replaced by .html ("bill.json" → "bill.html"). */
function defaultOut(file: string): string {
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}.html`);
}

/**
 * `wcbr smartbill FILE|- [--out PATH]`: writes the SmartBill page of a priced bill JSON (the
 * body of `POST /v1/bills/price`, or `wcbr price` output) to a local HTML file with its details
 * open: whoever runs it holds the priced bill already, and a file has no unlock endpoint.
 *
 * @param args - the arguments after `smartbill`
 * @param io - where to read stdin and write messages (the process by default)
 * @returns the exit code: 0 written, 1 the input is not a priced bill (or not JSON, or unreadable),
 *   2 wrong usage (stdin input needs `--out`)
 */
export async function smartbillCommand(args: string[], io: SmartbillCommandIo = PROCESS_IO): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    io.stderr(`wcbr smartbill: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [file, ...rest] = parsed.positionals;
  if (file === undefined || rest.length > 0) {
    io.stderr(USAGE);
    return 2;
  }
  const out = parsed.values.out ?? (file === '-' ? undefined : defaultOut(file));
  if (out === undefined) {
    io.stderr(`wcbr smartbill: reading stdin needs --out PATH\n${USAGE}`);
    return 2;
  }
  if (path.resolve(out) === path.resolve(file)) {
    io.stderr('wcbr smartbill: --out would overwrite the input file\n');
    return 2;
  }

  try {
    const text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
    const priced = parsePricedBill(JSON.parse(text));
    const started = performance.now();
    const html = renderOpenSmartBill(priced, new Date().toISOString());
    await writeFile(out, html, 'utf8');
    io.stdout(
      `wrote ${out} (${Buffer.byteLength(html)} bytes, ${priced.lines.length} lines, ${Math.round(performance.now() - started)} ms); its details are open: share the signed link of a priced answer instead\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SyntaxError)
      io.stderr(`wcbr smartbill: ${file} is not valid JSON: ${error.message}\n`);
    else if (error instanceof NotAPricedBillError || error instanceof SmartBillSealError)
      io.stderr(`wcbr smartbill: ${file}: ${error.message}\n`);
    else if (error instanceof Error && 'code' in error && typeof error.code === 'string')
      io.stderr(`wcbr smartbill: ${error.message}\n`);
    else throw error;
    return 1;
  }
}
