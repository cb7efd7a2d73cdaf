import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AMOUNT_NORMALISER_JS,
  AMOUNT_PATTERN,
  normaliseTypedAmount,
} from '../../../lambdas/smartbill/amount.js';
import { AMOUNT_CASES } from './amount-cases.js';

/** The page's normaliser, from the very text the page embeds, run in a fresh JavaScript context. */
const pageNormaliser = runInNewContext(`(${AMOUNT_NORMALISER_JS})`) as (text: string) => string | null;

describe('normaliseTypedAmount', () => {
  describe('accepts the forms a bill prints and refuses the rest (the shared table)', () => {
    it.each(AMOUNT_CASES)('%j → %j', (typed, normalised) => {
      expect(normaliseTypedAmount(typed)).toBe(normalised);
    });
  });

  it('gives the same canonical text for every form of one total', () => {
    const forms = ['13667.23', '$13,667.23', '13,667.23', ' $13667.23 ', '$ 13,667.23'];
    expect(new Set(forms.map(normaliseTypedAmount))).toEqual(new Set(['13667.23']));
  });

  it('is a fixed point on its own output (the key is derived from the API total, normalised)', () => {
    for (const [, normalised] of AMOUNT_CASES) {
      if (normalised !== null) expect(normaliseTypedAmount(normalised)).toBe(normalised);
    }
  });
});

describe('AMOUNT_NORMALISER_JS (the page script’s copy)', () => {
  it('is plain JavaScript that declares normaliseTypedAmount and embeds AMOUNT_PATTERN', () => {
    expect(AMOUNT_NORMALISER_JS.startsWith('function normaliseTypedAmount(text)')).toBe(true);
    expect(AMOUNT_NORMALISER_JS).toContain(JSON.stringify(AMOUNT_PATTERN.source));
  });

  it.each(AMOUNT_CASES)('%j → %j, as the TypeScript does', (typed, normalised) => {
    expect(pageNormaliser(typed)).toBe(normalised);
  });
});
