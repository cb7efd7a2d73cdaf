import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type SmartbillCommandIo, smartbillCommand } from '../../../lambdas/smartbill/cli.js';
import { testBillInput, testPricedBill } from './fixture.js';

let dir: string;
let out: string[];
let err: string[];

function io(stdin = ''): SmartbillCommandIo {
  return {
    readStdin: async () => stdin,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
}

/** The body of POST /v1/bills/price: the priced bill with the request id. */
function responseBody(): string {
  return JSON.stringify({ requestId: 'req-1', ...testPricedBill() }, null, 2);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-smartbill-'));
  out = [];
  err = [];
});

describe('wcbr smartbill', () => {
  describe('acceptance', () => {
    it('writes FILE.html next to FILE by default, a page that opens with the total charge', async () => {
      // Prepare
      const file = path.join(dir, 'priced.json');
      writeFileSync(file, responseBody());
      // Act
      const code = await smartbillCommand([file], io());
      // Assess
      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      expect(out.join('')).toContain(path.join(dir, 'priced.html'));
      const html = readFileSync(path.join(dir, 'priced.html'), 'utf8');
      // The file is for the person who holds the priced bill: its details are open, with no script.
      expect(html).toContain('<data value="658.87">658.87</data>');
      expect(html).not.toMatch(/<script/);
    });

    it('reads stdin with - and writes --out', async () => {
      const a = path.join(dir, 'a.html');
      expect(await smartbillCommand(['-', '--out', a], io(responseBody()))).toBe(0);
      expect(readFileSync(a, 'utf8')).toContain('<data value="658.87">658.87</data>');
    });
  });

  describe('rejection', () => {
    it('refuses a bill that has not been priced, naming the fields that are wrong', async () => {
      const file = path.join(dir, 'bill.json');
      writeFileSync(file, JSON.stringify(testBillInput()));
      expect(await smartbillCommand([file], io())).toBe(1);
      expect(err.join('')).toMatch(/not a priced bill \(the body of POST \/v1\/bills\/price\): /);
      expect(err.join('')).toMatch(/jurisdiction/);
    });

    it('refuses a priced bill with a broken line, naming the line', async () => {
      const broken = JSON.parse(responseBody());
      broken.lines[2].allowed = 77.88;
      const file = path.join(dir, 'broken.json');
      writeFileSync(file, JSON.stringify(broken));
      expect(await smartbillCommand([file], io())).toBe(1);
      expect(err.join('')).toContain('lines.2.allowed');
    });

    it('refuses a file that is not JSON, and one that does not exist', async () => {
      const file = path.join(dir, 'bad.json');
      writeFileSync(file, '{"lines": [');
      expect(await smartbillCommand([file], io())).toBe(1);
      expect(err.join('')).toContain('is not valid JSON');
      expect(await smartbillCommand([path.join(dir, 'missing.json')], io())).toBe(1);
      expect(err.join('')).toContain('ENOENT');
    });

    it.each([
      [[]],
      [['a.json', 'b.json']],
      [['-']],
      [['a.json', '--bogus']],
      [['a.html', '--out', 'a.html']],
    ])('exits 2 with the usage for %j', async (args) => {
      expect(await smartbillCommand(args, io())).toBe(2);
      expect(err.join('')).not.toBe('');
    });
  });
});
