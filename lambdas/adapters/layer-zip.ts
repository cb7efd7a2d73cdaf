import { readFile, writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * The index's path inside the archive: Lambda extracts layers into /opt and the functions read
 * /opt/fee-index/fee-index.bin (LAMBDA_FEE_INDEX_PATH of the route table; lib/constructs/fee-index-layer.ts
 * stages the CDK layer the same way, and test/unit/release/layer-zip.test.ts holds the two equal).
 */
export const LAYER_INDEX_ENTRY = 'fee-index/fee-index.bin';

/**
 * Writes the layer archive of a release: one deflated entry, `fee-index/fee-index.bin`, which Lambda
 * extracts to /opt/fee-index/fee-index.bin (what the functions read). A zip of one file is a local
 * header, the data and a central directory (APPNOTE 6.3.10 §§ 4.3.7, 4.3.12, 4.3.16); writing it
 * here keeps the Build step free of an archiver package. Sizes stay under 4 GiB (no ZIP64): the
 * national index is ~33 MB.
 *
 * @param indexFile - the built index
 * @param zipFile - where the archive goes
 */
export async function writeLayerZip(indexFile: string, zipFile: string): Promise<void> {
  await writeFile(zipFile, layerZipBytes(await readFile(indexFile)));
}

/**
 * The layer archive's bytes for an index.
 *
 * @param index - the index file's bytes
 * @param entry - the path inside the archive
 * @returns the zip archive
 */
export function layerZipBytes(index: Uint8Array, entry: string = LAYER_INDEX_ENTRY): Buffer {
  const name = Buffer.from(entry, 'utf8');
  const data = deflateRawSync(index, { level: 6 });
  const crc = crc32(index) >>> 0;
  // A fixed DOS date (1980-01-01 00:00): the archive of the same index is the same bytes.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(dosTime, 10);
  local.writeUInt16LE(dosDate, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(index.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(dosTime, 12);
  central.writeUInt16LE(dosDate, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(index.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralOffset = local.length + name.length + data.length;
  const centralSize = central.length + name.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
