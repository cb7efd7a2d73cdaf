/**
 * The store of supplied files: a directory of plain files, so the release workflow can mirror it
 * to and from S3 as it is.
 *
 * ```
 * <store>/manifest.json            {"version": 1, "items": [provenance + jurisdiction|tenant + files]}
 * <store>/files/<id>/<file>.json   the JSON as supplied, byte for byte
 * <store>/files/<id>/<file>.csv    and its CSV, when it has one
 * ```
 *
 * Only the manifest says what is in the store: files are staged in a temporary directory, moved
 * into place, and the manifest is replaced by a rename last, so a failure at any point leaves the
 * previous manifest (and so the previous store) in force.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import type { Jurisdiction } from '../../lambdas/domain/jurisdiction-schema.js';
import { type SuppliedProvenance, SuppliedProvenanceSchema } from '../../lambdas/domain/supplied.js';
import { loadJurisdictions } from '../jurisdictions/registry.js';
import { suppliedConflicts } from './conflicts.js';
import { checkSuppliedFile, checkSuppliedPaths, type SuppliedError, type SuppliedItem } from './validate.js';

export const STORE_MANIFEST = 'manifest.json';
export const STORE_FILES = 'files';

/** One manifest entry: the provenance, what it is for, and the file names under files/<id>/. */
export const StoreEntrySchema = v.object({
  ...SuppliedProvenanceSchema.entries,
  /** The jurisdiction of an edition. */
  jurisdiction: v.optional(v.string()),
  /** The tenant of a contract. */
  tenant: v.optional(v.string()),
  /** The stored file names, JSON first. */
  files: v.array(v.pipe(v.string(), v.regex(/^[^/\\]+$/))),
});
export type StoreEntry = v.InferOutput<typeof StoreEntrySchema>;

const ManifestSchema = v.object({ version: v.literal(1), items: v.array(StoreEntrySchema) });
export type StoreManifest = v.InferOutput<typeof ManifestSchema>;

/** A stored item: its checked content and its provenance. */
export interface StoredItem extends SuppliedItem {
  readonly provenance: SuppliedProvenance;
  readonly entry: StoreEntry;
}

/** A store that cannot be used as it is (a file changed behind the manifest, a conflict at build). */
export class SuppliedStoreError extends Error {
  override readonly name = 'SuppliedStoreError';

  constructor(readonly errors: readonly SuppliedError[]) {
    super(
      `the supplied store has ${errors.length} problem(s):\n${errors.map(formatSuppliedError).join('\n')}`,
    );
  }
}

/**
 * An error as the command line prints it: `file:row:column: message`, leaving out what is unknown.
 *
 * @param error - the error
 * @returns one line
 */
export function formatSuppliedError(error: SuppliedError): string {
  return `${[error.file, error.row, error.column].filter((p) => p !== undefined).join(':')}: ${error.message}`;
}

/**
 * The store's manifest; an empty one when the directory or its manifest does not exist.
 *
 * @param storeDir - the store
 * @returns the manifest
 */
export function readStoreManifest(storeDir: string): StoreManifest {
  const file = path.join(storeDir, STORE_MANIFEST);
  if (!existsSync(file)) return { version: 1, items: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SuppliedStoreError([
      { file: STORE_MANIFEST, message: `not valid JSON (${(error as Error).message})` },
    ]);
  }
  const parsed = v.safeParse(ManifestSchema, json);
  if (!parsed.success)
    throw new SuppliedStoreError([
      {
        file: STORE_MANIFEST,
        column: v.getDotPath(parsed.issues[0]) ?? '',
        message: parsed.issues[0].message,
      },
    ]);
  return parsed.output;
}

/**
 * Every item of a store, re-read and re-checked from its files (each file's SHA-256 must still be
 * the manifest's: a file edited in the store is refused, not used).
 *
 * @param storeDir - the store
 * @param jurisdictions - the registry (default: ours)
 * @returns the items in manifest order
 * @throws SuppliedStoreError naming every problem
 */
export function readSuppliedStore(
  storeDir: string,
  jurisdictions: readonly Jurisdiction[] = loadJurisdictions(),
): StoredItem[] {
  const manifest = readStoreManifest(storeDir);
  const errors: SuppliedError[] = [];
  const items: StoredItem[] = [];
  for (const entry of manifest.items) {
    const dir = path.join(storeDir, STORE_FILES, entry.id);
    const [json] = entry.files;
    const read = (name: string) => {
      const p = path.join(dir, name);
      return entry.files.includes(name) && existsSync(p) ? readFileSync(p) : undefined;
    };
    const bytes = json === undefined ? undefined : read(json);
    if (json === undefined || bytes === undefined) {
      errors.push({ file: `${STORE_FILES}/${entry.id}`, message: 'listed in the manifest but missing' });
      continue;
    }
    const result = checkSuppliedFile(json, bytes, read, jurisdictions);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const item = result.items[0] as SuppliedItem;
    if (item.sha256 !== entry.sha256 || item.id !== entry.id) {
      errors.push({
        file: entry.file,
        message: `changed since it was added (SHA-256 ${item.sha256}, manifest ${entry.sha256})`,
      });
      continue;
    }
    const { jurisdiction: _j, tenant: _t, files: _f, ...provenance } = entry;
    items.push({ ...item, provenance, entry });
  }
  if (errors.length > 0) throw new SuppliedStoreError(errors);
  return items;
}

/** What `addSupplied` did. */
export type AddResult =
  | { readonly ok: true; readonly added: readonly StoreEntry[]; readonly replaced: readonly string[] }
  | { readonly ok: false; readonly errors: readonly SuppliedError[] };

/** Who adds, and when (injected, so tests and the release workflow pin them). */
export interface AddOptions {
  readonly by: string;
  readonly now: Date;
  /** Replace items whose id is already in the store (else that is an error). */
  readonly replace?: boolean;
  /** The registry (default: ours). */
  readonly jurisdictions?: readonly Jurisdiction[];
}

/**
 * Adds supplied files to a store: all are checked (alone, against each other, the store's other
 * items and the official registry) before anything is written; on any error nothing is added.
 *
 * @param storeDir - the store (created when missing)
 * @param paths - the JSON files (a CSV beside its JSON is read through it)
 * @param options - who, when, replace
 * @returns the added entries, or every error
 */
export function addSupplied(storeDir: string, paths: readonly string[], options: AddOptions): AddResult {
  const jurisdictions = options.jurisdictions ?? loadJurisdictions();
  const checked = checkSuppliedPaths(paths, jurisdictions);
  if (!checked.ok) return checked;
  let existing: StoredItem[];
  try {
    existing = readSuppliedStore(storeDir, jurisdictions);
  } catch (error) {
    if (error instanceof SuppliedStoreError) return { ok: false, errors: error.errors };
    throw error;
  }
  const newIds = new Set(checked.items.map((i) => i.id));
  const replaced = existing.filter((e) => newIds.has(e.id)).map((e) => e.id);
  if (replaced.length > 0 && options.replace !== true) {
    return {
      ok: false,
      errors: checked.items
        .filter((i) => replaced.includes(i.id))
        .map((i) => ({
          file: i.file,
          column: 'id',
          message: `${i.id} is already in the store; give --replace to replace it, or choose another id`,
        })),
    };
  }
  const kept = existing.filter((e) => !newIds.has(e.id));
  const conflicts = suppliedConflicts([...kept, ...checked.items], jurisdictions);
  if (conflicts.length > 0) return { ok: false, errors: conflicts };

  const suppliedAt = options.now.toISOString();
  const added: StoreEntry[] = checked.items.map((item) => ({
    id: item.id,
    kind: item.kind,
    suppliedBy: options.by,
    suppliedAt,
    file: item.file,
    sha256: item.sha256,
    source: item.input.source,
    supersedes: item.input.supersedes === true,
    ...(item.input.kind === 'contract'
      ? { tenant: item.input.tenant }
      : { jurisdiction: item.input.jurisdiction }),
    files: item.files.map((f) => f.name),
  }));
  writeStore(storeDir, checked.items, [...kept.map((k) => k.entry), ...added], replaced);
  return { ok: true, added, replaced };
}

/**
 * Removes one item from a store (the manifest first, then its files).
 *
 * @param storeDir - the store
 * @param id - the item's id
 * @returns the removed entry
 * @throws SuppliedStoreError when the store has no such item
 */
export function removeSupplied(storeDir: string, id: string): StoreEntry {
  const manifest = readStoreManifest(storeDir);
  const entry = manifest.items.find((e) => e.id === id);
  if (entry === undefined)
    throw new SuppliedStoreError([{ file: STORE_MANIFEST, message: `no item ${id} in ${storeDir}` }]);
  writeManifest(storeDir, { version: 1, items: manifest.items.filter((e) => e.id !== id) });
  rmSync(path.join(storeDir, STORE_FILES, id), { recursive: true, force: true });
  return entry;
}

function writeStore(
  storeDir: string,
  items: readonly SuppliedItem[],
  entries: readonly StoreEntry[],
  replaced: readonly string[],
): void {
  const filesDir = path.join(storeDir, STORE_FILES);
  mkdirSync(filesDir, { recursive: true });
  // Staged inside the store, so every rename stays on one file system.
  const staging = path.join(storeDir, `.staging-${randomUUID()}`);
  const retired = path.join(storeDir, `.retired-${randomUUID()}`);
  const moved: string[] = [];
  const retiredIds: string[] = [];
  try {
    for (const item of items) {
      const dir = path.join(staging, item.id);
      mkdirSync(dir, { recursive: true });
      for (const f of item.files) writeFileSync(path.join(dir, f.name), f.bytes);
    }
    mkdirSync(retired, { recursive: true });
    for (const id of replaced) {
      const old = path.join(filesDir, id);
      if (!existsSync(old)) continue;
      renameSync(old, path.join(retired, id));
      retiredIds.push(id);
    }
    for (const item of items) {
      const target = path.join(filesDir, item.id);
      // A folder left by an earlier add that failed before its manifest was written.
      rmSync(target, { recursive: true, force: true });
      renameSync(path.join(staging, item.id), target);
      moved.push(target);
    }
    writeManifest(storeDir, { version: 1, items: [...entries] });
  } catch (error) {
    // The old manifest is still in force: put back the files it names.
    for (const target of moved) rmSync(target, { recursive: true, force: true });
    for (const id of retiredIds) renameSync(path.join(retired, id), path.join(filesDir, id));
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(retired, { recursive: true, force: true });
  }
}

function writeManifest(storeDir: string, manifest: StoreManifest): void {
  mkdirSync(storeDir, { recursive: true });
  const target = path.join(storeDir, STORE_MANIFEST);
  const tmp = `${target}.${randomUUID()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, target);
}
