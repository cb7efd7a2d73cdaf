import * as v from 'valibot';

/**
 * What the customer supplied (issue 20), as it travels inside the fee index: the provenance of each
 * supplied file, the contracts, and the data release the index is. The input formats the customer
 * writes (docs/supplied-data/) are checked by fee-data/supplied; these are the shapes the engine
 * and the handlers read back.
 */

/** The kinds of file a customer supplies. */
export const SUPPLIED_KINDS = ['conversion-factors', 'fee-table', 'contract'] as const;
export type SuppliedKind = (typeof SUPPLIED_KINDS)[number];

/** Where a supplied figure comes from: the customer's citation, never ours. */
export const SuppliedSourceSchema = v.object({
  /** "Texas DWC conversion factor bulletin, CY2025", as the customer wrote it. */
  citation: v.pipe(v.string(), v.minLength(3)),
  url: v.optional(v.pipe(v.string(), v.url())),
  /** Licence or agreement the customer holds the figures under, when they say. */
  licence: v.optional(v.string()),
});

/** Who supplied a file, when, and from what: on every edition, contract and answer that uses it. */
export const SuppliedProvenanceSchema = v.object({
  /** The file's own id ("acme-tx-cf-2025"): unique in the store. */
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  kind: v.picklist(SUPPLIED_KINDS),
  /** Who added it (`wcbr data add --by`, else the operator's user name). */
  suppliedBy: v.pipe(v.string(), v.minLength(1)),
  /** When it was added, ISO 8601 UTC. */
  suppliedAt: v.string(),
  /** The file name as added (and the CSV beside it, if any, joined with " + "). */
  file: v.string(),
  /** SHA-256 of the file's bytes (of the JSON and its CSV, concatenated, when there is one). */
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  source: SuppliedSourceSchema,
  /** The file said `"supersedes": true`: it replaces an official edition we ship for its dates. */
  supersedes: v.boolean(),
});
export type SuppliedProvenance = v.InferOutput<typeof SuppliedProvenanceSchema>;

/** The bucket a contract fills (docs/decisions/006). */
export const CONTRACT_BUCKETS = ['ppo', 'negotiated'] as const;

/** A contract's terms: a percentage of the jurisdiction's allowance, or its own table. */
export const ContractTermsSchema = v.variant('kind', [
  v.object({
    kind: v.literal('percent-of-allowance'),
    /** "90" pays 90% of the allowance before the contract's bucket (fee schedule after bill review). */
    percent: v.pipe(v.string(), v.regex(/^\d{1,3}(\.\d{1,4})?$/)),
  }),
  v.object({
    kind: v.literal('table'),
    /** The index edition holding the contract's rows (a `state-table` edition: `state-table/contract-<id>`). */
    edition: v.string(),
  }),
]);

/** The reason codes a contract's change carries (as an external value's reason). */
export const ContractReasonSchema = v.object({
  groupCode: v.picklist(['CO', 'PR', 'OA', 'PI']),
  carc: v.string(),
  rarc: v.optional(v.string()),
  internalCode: v.optional(v.string()),
  stateCode: v.optional(v.string()),
});

/** A network contract as the engine applies it: to a tenant's bills from the providers it lists. */
export const SuppliedContractSchema = v.object({
  /** The contract's id ("acme-ppo-2026"), also its provenance id. */
  id: v.string(),
  /** The name the answer shows ("Acme Health PPO, 2026 agreement"). */
  name: v.string(),
  /** The tenant whose bills it applies to (the token's tenant). */
  tenant: v.string(),
  providers: v.object({
    /** Rendering (line) or billing provider NPIs. */
    npis: v.array(v.string()),
    /** Billing provider tax ids (nine digits). */
    tins: v.array(v.string()),
  }),
  bucket: v.picklist(CONTRACT_BUCKETS),
  /** Jurisdictions it is limited to; empty: every jurisdiction. */
  jurisdictions: v.array(v.string()),
  effective: v.string(),
  termination: v.nullable(v.string()),
  terms: ContractTermsSchema,
  reason: ContractReasonSchema,
  provenance: SuppliedProvenanceSchema,
});
export type SuppliedContract = v.InferOutput<typeof SuppliedContractSchema>;

/**
 * The data release an index is: named on `GET /v1/health` and on every priced answer. The id is
 * derived from the content (`r` + the first 12 hex digits of the body's SHA-256), so the same
 * official and supplied files always make the same release.
 */
export const DataReleaseSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^r[0-9a-f]{12}$/)),
  /** When the index was built, ISO 8601 UTC. */
  builtAt: v.string(),
  builtFrom: v.picklist(['official', 'sample']),
  /** Every supplied file in it. */
  supplied: v.array(SuppliedProvenanceSchema),
});
export type DataRelease = v.InferOutput<typeof DataReleaseSchema>;

/** The JSON section of the index holding the contracts (an array of SuppliedContract). */
export const CONTRACTS_SECTION = 'contracts';
