import * as v from 'valibot';
import { PAYER_CONTACT_FIELDS, type PayerContact } from '../engine/bill/bill-reference.js';

/**
 * A tenant's SmartBill settings: the payer's name, contact and appeal instructions its pages show
 * when the bill does not give them (`stages.<name>.smartBill.tenants.<tenantId>` in cdk.json, the
 * local stack's {@link LOCAL_TENANT_SETTINGS}). They reach the renderer as one environment variable
 * of compact JSON ({@link SMARTBILL_TENANTS_ENV}), checked by the same schema at synth and at start.
 */

/** The environment variable holding every tenant's settings (compact JSON). */
export const SMARTBILL_TENANTS_ENV = 'SMARTBILL_TENANTS';

/**
 * The most the settings may take, in UTF-8 bytes of compact JSON. Lambda allows 4 KB for all of a
 * function's environment together; the pricing function's other variables (SmartBill, Recon, runtime, Powertools) take up to
 * about 1.5 KB of it, unmeasured in a deployed function: a budget with room, not an exact fit.
 */
export const MAX_TENANT_SETTINGS_BYTES = 2000;

/** Tenant ids as lambdas/app/tenant.ts takes them (a `tenant-<id>` group or an app client id). */
const TENANT_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** One tenant's settings. */
export interface TenantSmartBillSettings extends PayerContact {
  /** The payer's name, shown when the bill names none. */
  readonly payerName?: string;
}

const TenantSettingsSchema = v.strictObject(
  {
    payerName: v.optional(
      v.pipe(
        v.string('must be text'),
        v.trim(),
        v.minLength(1, 'must not be empty'),
        v.maxLength(200, 'must be at most 200 characters'),
        v.regex(/^[^\p{Cc}]*$/u, 'must be one line without control characters'),
      ),
    ),
    phone: v.optional(PAYER_CONTACT_FIELDS.phone),
    email: v.optional(PAYER_CONTACT_FIELDS.email),
    mailingAddress: v.optional(PAYER_CONTACT_FIELDS.mailingAddress),
    appealInstructions: v.optional(PAYER_CONTACT_FIELDS.appealInstructions),
    appealUrl: v.optional(PAYER_CONTACT_FIELDS.appealUrl),
  },
  'must be an object with payerName, phone, email, mailingAddress, appealInstructions and appealUrl only',
);

const TenantsSchema = v.record(
  v.pipe(v.string(), v.regex(TENANT_ID, 'is not a tenant id (letters, digits and . _ -, 1 to 128)')),
  TenantSettingsSchema,
  'must be an object of tenant ids',
);

/** Settings that cannot be used; `field` is the dot path under the tenants object. */
export class TenantSettingsError extends Error {
  override readonly name = 'TenantSettingsError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field === '' ? '(the tenants object)' : field} ${problem}`);
  }
}

/** Every tenant's settings, by tenant id. */
export type TenantSettings = ReadonlyMap<string, TenantSmartBillSettings>;

/**
 * Checks the tenants object (cdk.json's `smartBill.tenants`, or the parsed environment variable).
 *
 * @param value - the object of tenant ids
 * @returns the settings by tenant id (trimmed)
 * @throws TenantSettingsError naming the first wrong field, or when the compact JSON is larger
 *   than {@link MAX_TENANT_SETTINGS_BYTES}
 */
export function parseTenantSettings(value: unknown): TenantSettings {
  const result = v.safeParse(TenantsSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    throw new TenantSettingsError(v.getDotPath(issue) ?? '', issue.message);
  }
  const bytes = Buffer.byteLength(JSON.stringify(result.output), 'utf8');
  if (bytes > MAX_TENANT_SETTINGS_BYTES) {
    throw new TenantSettingsError(
      '',
      `take ${bytes} bytes as JSON, more than the ${MAX_TENANT_SETTINGS_BYTES} a Lambda environment leaves for them: shorten the appeal instructions (link to appealUrl instead)`,
    );
  }
  return new Map(Object.entries(result.output));
}

/**
 * The settings the environment holds, or none when the variable is unset.
 *
 * @param env - the environment
 * @returns the settings by tenant id
 * @throws TenantSettingsError when the variable is not valid settings (the function cannot start)
 */
export function tenantSettingsFrom(env: NodeJS.ProcessEnv): TenantSettings {
  const raw = env[SMARTBILL_TENANTS_ENV];
  if (raw === undefined || raw === '') return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TenantSettingsError('', `(${SMARTBILL_TENANTS_ENV}) is not JSON`);
  }
  return parseTenantSettings(parsed);
}

/**
 * The environment value for the settings: compact JSON (`parseTenantSettings` has checked them).
 *
 * @param settings - the settings by tenant id
 * @returns the variable's value
 */
export function tenantSettingsEnvironment(settings: TenantSettings): string {
  return JSON.stringify(Object.fromEntries(settings));
}

/**
 * What `npm start` shows: the dev user's tenant (`local`, lambdas/local/cognito.ts) with a made-up
 * payer's contact, so a page opened locally shows the section filled in. Example values only
 * (a 555-01xx number, example.com addresses, RFC 2606).
 */
export const LOCAL_TENANT_SETTINGS: Readonly<Record<string, TenantSmartBillSettings>> = {
  local: {
    payerName: 'Example Mutual Insurance (local sample)',
    phone: '+1 555-0100 ext 42',
    email: 'bill-review@example.com',
    mailingAddress: 'Example Mutual, Bill Review Appeals\nPO Box 100\nSpringfield, IL 62701',
    appealInstructions:
      'Within 90 days of this notice, send a written request for reconsideration naming the bill reference and the line numbers you disagree with, with any records that support them.',
    appealUrl: 'https://example.com/appeals',
  },
};

/** The payer's name, contact and appeal instructions a page shows. */
export interface ShownContact extends PayerContact {
  readonly payerName?: string;
}

/**
 * The contact a page shows: each field the bill gives, else the tenant's, field by field.
 *
 * @param bill - the priced bill's payer (name and contact as the bill sent them)
 * @param tenant - the tenant's settings, if any
 * @returns the merged contact (fields neither gives are absent)
 */
export function shownContact(
  bill: { readonly name?: string; readonly contact?: PayerContact } | undefined,
  tenant: TenantSmartBillSettings | undefined,
): ShownContact {
  const pick = <K extends keyof PayerContact>(key: K): Partial<Record<K, string>> => {
    const value = bill?.contact?.[key] ?? tenant?.[key];
    return value === undefined || value === '' ? {} : ({ [key]: value } as Partial<Record<K, string>>);
  };
  const payerName = bill?.name || tenant?.payerName;
  return {
    ...(payerName ? { payerName } : {}),
    ...pick('phone'),
    ...pick('email'),
    ...pick('mailingAddress'),
    ...pick('appealInstructions'),
    ...pick('appealUrl'),
  };
}
