import { DataError } from './errors';

export interface TarMember {
  name: string;
  bytes: Uint8Array;
}

const BLOCK = 512;

function readString(block: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && block[end] !== 0) end++;
  return new TextDecoder('latin1').decode(block.subarray(offset, end));
}

function readOctal(block: Uint8Array, offset: number, length: number, file: string, field: string): number {
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new DataError(file, `not a tar archive (header field ${field} is "${text}")`);
  return text === '' ? 0 : parseInt(text, 8);
}

function headerChecksumOk(block: Uint8Array, stored: number): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

/** Regular files of a POSIX (ustar/GNU) tar archive. Long GNU names ('L') and pax headers are handled. */
export function readTar(archive: Uint8Array, file: string): TarMember[] {
  const members: TarMember[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const checksum = readOctal(header, 148, 8, file, 'checksum');
    if (!headerChecksumOk(header, checksum))
      throw new DataError(file, `not a tar archive or corrupt (bad header checksum at byte ${offset})`);
    const size = readOctal(header, 124, 12, file, 'size');
    const type = String.fromCharCode(header[156] || 48);
    const prefix = readString(header, 345, 155);
    const baseName = readString(header, 0, 100);
    const name = longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length)
      throw new DataError(file, `truncated: member "${name}" needs ${size} bytes, the archive ends first`);
    const data = archive.subarray(dataStart, dataStart + size);
    longName = undefined;
    if (type === 'L') longName = readString(data, 0, data.length);
    else if (type === '0' || type === '7') members.push({ name, bytes: data });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}

/** Builds a ustar archive (used by tests and scripts to produce official-layout archives). */
export function writeTar(members: TarMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const member of members) {
    const header = new Uint8Array(BLOCK);
    const name = encoder.encode(member.name);
    if (name.length > 100) throw new Error(`tar member name too long: ${member.name}`);
    header.set(name, 0);
    header.set(encoder.encode('0000644\0'), 100);
    header.set(encoder.encode('0000000\0'), 108);
    header.set(encoder.encode('0000000\0'), 116);
    header.set(encoder.encode(member.bytes.length.toString(8).padStart(11, '0') + '\0'), 124);
    header.set(encoder.encode('00000000000\0'), 136);
    header[156] = 48;
    header.set(encoder.encode('ustar\0' + '00'), 257);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    header.set(encoder.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    parts.push(header, member.bytes, new Uint8Array((BLOCK - (member.bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const total = parts.reduce((acc, p) => acc + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
