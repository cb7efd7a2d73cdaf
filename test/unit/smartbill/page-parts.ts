import type { SealedParams } from '../../../lambdas/smartbill/seal.js';

/** Pieces of a rendered SmartBill page, for the tests. */
export interface PageParts {
  /** The page with the sealed JSON's text cut out: what anyone can read without the amount. */
  readonly shell: string;
  readonly sealed: SealedParams;
  readonly sealedText: string;
  readonly script: string;
  readonly style: string;
}

export function pageParts(html: string): PageParts {
  const sealedMatch = /<script type="application\/json" id="smartbill-sealed">([^<]*)<\/script>/.exec(html);
  const scriptMatch = /<script>([\s\S]*?)<\/script>/.exec(html);
  const styleMatch = /<style>([\s\S]*?)<\/style>/.exec(html);
  if (!sealedMatch?.[1] || !scriptMatch?.[1] || !styleMatch?.[1]) throw new Error('not a SmartBill page');
  return {
    shell: html.replace(sealedMatch[1], ''),
    sealed: JSON.parse(sealedMatch[1]) as SealedParams,
    sealedText: sealedMatch[1],
    script: scriptMatch[1],
    style: styleMatch[1],
  };
}

/** Every leaf value of a JSON value (strings, and numbers as text), with its path. */
export function leaves(value: unknown, at = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path: at, text: value }];
  if (typeof value === 'number') return [{ path: at, text: String(value) }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  return [];
}
