import type { PricedBill } from '../../engine/priced-bill.js';
import type { TenantSettings } from '../../smartbill/contact.js';
import { newGate, PAGE_ID_PATTERN, type SmartBillGateStore } from '../../smartbill/gate.js';
import { qrCodeSvg } from '../../smartbill/qr.js';
import { renderSmartBill } from '../../smartbill/render.js';
import { freshIv } from '../../smartbill/seal.js';
import { statusPage } from '../../smartbill/status-page.js';
import type { SmartBillLinker, SmartBillPublisher, SmartBillRenderJob, SmartBillStore } from './ports.js';
import { pageIdOfKey, SMARTBILL_KEY_PREFIX } from './ports.js';

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
  options: { readonly qrCode?: boolean; readonly tenantId?: string | null } = {},
): Promise<SmartBillLink> {
  const now = deps.now();
  // Whole seconds, so the expiry the answer states is exactly the one the signature holds.
  const expires = new Date(Math.floor((now.getTime() + deps.urlTtlDays * DAY_MS) / 1000) * 1000);
  const key = deps.newKey();
  const url = deps.linker.signedUrl(key, expires);
  const expiresAt = expires.toISOString();
  await deps.publisher.publish({
    key,
    priced,
    generatedAt: now.toISOString(),
    expiresAt,
    // A caller without a tenant (a person in no tenant group) gets a page nobody can revoke.
    tenantId: options.tenantId ?? '',
  });
  return { url, expiresAt, ...(options.qrCode === true ? { qrCodeSvg: await qrCodeSvg(url) } : {}) };
}

/**
 * Makes a job's page: a random page key and its gate record (stored first: a page without its
 * record could never open, a record without its page opens nothing), then the page sealed under
 * that key, stored under the job's key. Costs microseconds of key material and the two writes.
 *
 * @param ports - where pages and gate records are kept
 * @param job - the page to make
 * @returns the stored page's size in bytes
 */
export async function renderAndStore(
  ports: {
    readonly store: Pick<SmartBillStore, 'putAt'>;
    readonly gate: Pick<SmartBillGateStore, 'create'>;
    /** Each tenant's SmartBill settings (the payer's contact where the bill gives none). */
    readonly tenants?: TenantSettings;
  },
  job: SmartBillRenderJob,
): Promise<number> {
  const tenant = job.tenantId ? ports.tenants?.get(job.tenantId) : undefined;
  const gate = newGate({
    pageId: pageIdOfKey(job.key),
    tenantId: job.tenantId ?? '',
    totalCharge: job.priced.totals.billed,
    expiresAt: new Date(job.expiresAt),
  });
  const html = await renderSmartBill(job.priced, {
    key: gate.key,
    iv: freshIv(),
    generatedAt: job.generatedAt,
    expiresAt: job.expiresAt,
    ...(tenant === undefined ? {} : { tenant }),
  });
  await ports.gate.create(gate.record);
  await ports.store.putAt(job.key, html);
  return Buffer.byteLength(html, 'utf8');
}

/**
 * Revokes a page for the tenant that priced it: the gate record loses its key (no copy of the page
 * opens again) and the stored page is replaced by one that says it was withdrawn.
 *
 * @param ports - the gate store and the page store
 * @param pageId - the page's id (the `{id}` of `DELETE /v1/smartbills/{id}`)
 * @param tenantId - the caller's tenant, from the token
 * @returns false when the tenant has no page with that id (answered 404)
 */
export async function revokeSmartBill(
  ports: { readonly store: Pick<SmartBillStore, 'putAt'>; readonly gate: Pick<SmartBillGateStore, 'revoke'> },
  pageId: string,
  tenantId: string,
): Promise<boolean> {
  if (!PAGE_ID_PATTERN.test(pageId)) return false;
  if (!(await ports.gate.revoke(pageId, tenantId))) return false;
  await ports.store.putAt(`${SMARTBILL_KEY_PREFIX}${pageId}.html`, statusPage('revoked'));
  return true;
}
