// A .vsix's entries and content fingerprint, read from its zip central directory.
// Unlike the file's own hash the fingerprint ignores timestamps, so a rebuild of
// unchanged sources gives the same fingerprint.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryEntry = 0x02014b50;

/** Each zip entry's directory record: `sizes` is its CRC-32, compressed and uncompressed sizes (12 bytes). */
function* directory(file) {
  const zip = fs.readFileSync(file);
  // The end record is the last 22 bytes when the archive has no comment (vsce writes none).
  const end = zip.length - 22;
  if (zip.readUInt32LE(end) !== endOfCentralDirectory) throw new Error(`${file} is not a .vsix (zip) file`);
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(offset) !== centralDirectoryEntry) throw new Error(`${file}: corrupt zip directory`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const variableLength = nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    yield { sizes: zip.subarray(offset + 16, offset + 28), name: zip.subarray(offset + 46, offset + 46 + nameLength) };
    offset += 46 + variableLength;
  }
}

export function vsixFingerprint(file) {
  const hash = createHash('sha256');
  for (const { sizes, name } of directory(file)) {
    hash.update(sizes);
    hash.update(name);
  }
  return hash.digest('hex');
}

/** The entries of a .vsix: path inside the archive and uncompressed size in bytes. */
export function vsixEntries(file) {
  return [...directory(file)].map(({ sizes, name }) => ({ name: name.toString('utf8'), size: sizes.readUInt32LE(8) }));
}
