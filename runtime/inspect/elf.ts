// A minimal reader for 64-bit little-endian ELF files: section headers,
// program headers and symbols, reading only the parts it needs.
import * as fs from 'node:fs';
import { InspectError } from './errors';

/** Random access to a file's bytes (a real file, or a Buffer in tests). */
export interface FileBytes {
  read(offset: number, length: number): Buffer;
}

export function bufferBytes(buffer: Buffer): FileBytes {
  return {
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > buffer.length) throw badElf('read past the end of the file');
      return buffer.subarray(offset, offset + length);
    },
  };
}

/** A file read on demand (each read opens it: no descriptor outlives a call). */
export function fileBytes(path: string): FileBytes {
  return {
    read(offset, length) {
      let fd: number;
      try {
        fd = fs.openSync(path, 'r');
      } catch (error) {
        throw new InspectError('bad-elf', `cannot open ${path}: ${(error as Error).message}`);
      }
      try {
        const buffer = Buffer.alloc(length);
        if (fs.readSync(fd, buffer, 0, length, offset) !== length) throw badElf('read past the end of the file');
        return buffer;
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
}

export const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHN_UNDEF = 0;
const SECTION_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;
const SYMBOL_SIZE = 24;
/** Bound on any table we read, so a corrupted header cannot make us allocate gigabytes. */
const MAX_TABLE_BYTES = 256 << 20;

function badElf(why: string): InspectError {
  return new InspectError('bad-elf', `not a readable 64-bit little-endian ELF file: ${why}`);
}

function cString(bytes: Buffer, at: number): string {
  if (at < 0 || at >= bytes.length) return '';
  const end = bytes.indexOf(0, at);
  return bytes.toString('latin1', at, end < 0 ? bytes.length : end);
}

export class ElfFile {
  readonly sections: ElfSection[];
  readonly segments: ElfSegment[];

  constructor(private readonly bytes: FileBytes) {
    const header = bytes.read(0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw badElf('no ELF magic');
    if (header[4] !== 2) throw badElf('not 64-bit');
    if (header[5] !== 1) throw badElf('not little-endian');
    this.segments = this.readSegments(header);
    this.sections = this.readSections(header);
  }

  static open(path: string): ElfFile {
    return new ElfFile(fileBytes(path));
  }

  private table(offset: bigint, count: number, entrySize: number): Buffer {
    const length = count * entrySize;
    if (length > MAX_TABLE_BYTES || offset > BigInt(Number.MAX_SAFE_INTEGER)) throw badElf('table too large');
    return this.bytes.read(Number(offset), length);
  }

  private readSegments(header: Buffer): ElfSegment[] {
    const table = this.table(header.readBigUInt64LE(0x20), header.readUInt16LE(0x38), PROGRAM_HEADER_SIZE);
    const segments: ElfSegment[] = [];
    for (let at = 0; at < table.length; at += PROGRAM_HEADER_SIZE) {
      segments.push({
        type: table.readUInt32LE(at),
        offset: table.readBigUInt64LE(at + 8),
        vaddr: table.readBigUInt64LE(at + 16),
        filesz: table.readBigUInt64LE(at + 32),
        memsz: table.readBigUInt64LE(at + 40),
        align: table.readBigUInt64LE(at + 48),
      });
    }
    return segments;
  }

  private readSections(header: Buffer): ElfSection[] {
    const count = header.readUInt16LE(0x3c);
    const table = this.table(header.readBigUInt64LE(0x28), count, SECTION_HEADER_SIZE);
    const raw = [];
    for (let at = 0; at < table.length; at += SECTION_HEADER_SIZE) {
      raw.push({
        nameOffset: table.readUInt32LE(at),
        type: table.readUInt32LE(at + 4),
        addr: table.readBigUInt64LE(at + 16),
        offset: Number(table.readBigUInt64LE(at + 24)),
        size: Number(table.readBigUInt64LE(at + 32)),
        link: table.readUInt32LE(at + 40),
        entsize: Number(table.readBigUInt64LE(at + 56)),
      });
    }
    const namesIndex = header.readUInt16LE(0x3e);
    const names = namesIndex < raw.length ? this.sectionBytes(raw[namesIndex]) : Buffer.alloc(0);
    return raw.map(({ nameOffset, ...section }) => ({ name: cString(names, nameOffset), ...section }));
  }

  private sectionBytes(section: { offset: number; size: number }): Buffer {
    if (section.size > MAX_TABLE_BYTES) throw badElf('section too large');
    return this.bytes.read(section.offset, section.size);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((section) => section.name === name);
  }

  /** The GNU build-id the linker stamped on this file (hex), if it has one: the same for every
   * copy of one build, different for every other build. */
  buildId(): string | undefined {
    const note = this.section('.note.gnu.build-id');
    if (!note) return undefined;
    const bytes = this.sectionBytes(note);
    if (bytes.length < 16) return undefined;
    const nameSize = bytes.readUInt32LE(0);
    const descSize = bytes.readUInt32LE(4);
    const descAt = 12 + Math.ceil(nameSize / 4) * 4;
    return descAt + descSize <= bytes.length && descSize > 0 ? bytes.subarray(descAt, descAt + descSize).toString('hex') : undefined;
  }

  /**
   * The link-time address the file's first PT_LOAD maps at the start of its
   * first mapping (CPython's own rule: p_vaddr rounded down to p_align).
   */
  loadAddress(): bigint {
    const first = this.segments.find((segment) => segment.type === PT_LOAD);
    if (!first) throw badElf('no PT_LOAD segment');
    return first.align > 0n ? first.vaddr - (first.vaddr % first.align) : first.vaddr;
  }

  /** A defined symbol's link-time value, from .symtab (static symbols too) or else .dynsym. */
  symbol(name: string): ElfSymbol | undefined {
    if (!this.symbolCache.has(name)) this.symbolCache.set(name, this.findSymbol(SHT_SYMTAB, name) ?? this.findSymbol(SHT_DYNSYM, name));
    return this.symbolCache.get(name);
  }

  /** Symbols looked up so far, by name. The tables are scanned, not kept: a -g build's symbol table as objects takes tens of MiB. */
  private readonly symbolCache = new Map<string, ElfSymbol | undefined>();

  private findSymbol(type: number, name: string): ElfSymbol | undefined {
    const table = this.sections.find((section) => section.type === type);
    if (!table || table.link >= this.sections.length) return undefined;
    const entries = this.sectionBytes(table);
    const names = this.sectionBytes(this.sections[table.link]);
    const wanted = Buffer.from(`${name}\0`, 'latin1');
    for (let at = 0; at + SYMBOL_SIZE <= entries.length; at += SYMBOL_SIZE) {
      // Undefined symbols (section index 0) are imports from another file.
      if (entries.readUInt16LE(at + 6) === SHN_UNDEF) continue;
      const nameAt = entries.readUInt32LE(at);
      if (nameAt + wanted.length <= names.length && names.compare(wanted, 0, wanted.length, nameAt, nameAt + wanted.length) === 0) {
        return { name, value: entries.readBigUInt64LE(at + 8), size: entries.readBigUInt64LE(at + 16) };
      }
    }
    return undefined;
  }
}
