import type { PricedBill } from '../../engine/priced-bill.js';
import { qrCodeSvg } from '../../smartbill/qr.js';
import { renderSmartBill } from '../../smartbill/render.js';
import { freshSaltAndIv } from '../../smartbill/seal.js';
import type {
  SmartBillLinker,
  SmartBillPublisher,
  SmartBillRenderJob,
  SmartBillStore,
} from './smartbill-ports.js';

/**
 * The SmartBill use cases (issue 7): give a priced bill its link, and turn a render job into a
 * stored page. Ports in, no SDK: the pricing handler, the renderer function and the local stack
 * compose them with their adapters.
 */

/** `smartBill` of a priced bill's answer. */
export interface SmartBillLink {
  /** The signed link to the page (CloudFront in AWS, the local edge under `npm start`). */
  readonly url: string;
  /** When the link stops working (ISO 8601, whole seconds: a canned policy holds seconds). */
  readonly expiresAt: string;
  /** The link as an SVG QR code, when the request asked for it (`"qrCode": true`). */
  readonly qrCodeSvg?: string;
}

/** What {@link linkSmartBill} needs. */
export interface SmartBillLinkDependencies {
  readonly linker: SmartBillLinker;
  readonly publisher: SmartBillPublisher;
  /** A new unguessable page key (`newSmartBillKey`). */
  readonly newKey: () => string;
  /** Days the link is valid. */
  readonly urlTtlDays: number;
  readonly now: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Chooses the page's key, signs its link and hands the page over to be rendered. The answer does
 * not wait for the page (see {@link SmartBillPublisher}).
 *
 * @param deps - linker, publisher, key source, link lifetime and clock
 * @param priced - the priced bill
 * @param options - `qrCode`: add the link as an SVG QR code
 * @returns the link, its expiry and the QR code when asked
 */
export async function linkSmartBill(
  deps: SmartBillLinkDependencies,
  priced: PricedBill,
  options: { readonly qrCode?: boolean } = {},
): Promise<SmartBillLink> {
  const now = deps.now();
  // Whole seconds, so the expiry the answer states is exactly the one the signature holds.
  const expires = new Date(Math.floor((now.getTime() + deps.urlTtlDays * DAY_MS) / 1000) * 1000);
  const key = deps.newKey();
  const url = deps.linker.signedUrl(key, expires);
  const expiresAt = expires.toISOString();
  await deps.publisher.publish({ key, priced, generatedAt: now.toISOString(), expiresAt });
  return { url, expiresAt, ...(options.qrCode === true ? { qrCodeSvg: await qrCodeSvg(url) } : {}) };
}

/**
 * Renders a job's page (fresh random salt and IV) and stores it under the job's key.
 *
 * @param store - where pages are kept
 * @param job - the page to make
 * @returns the stored page's size in bytes
 */
export async function renderAndStore(
  store: Pick<SmartBillStore, 'putAt'>,
  job: SmartBillRenderJob,
): Promise<number> {
  const html = await renderSmartBill(job.priced, {
    ...freshSaltAndIv(),
    generatedAt: job.generatedAt,
    expiresAt: job.expiresAt,
  });
  await store.putAt(job.key, html);
  return Buffer.byteLength(html, 'utf8');
}
