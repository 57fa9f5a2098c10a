import { gunzipSync } from 'fflate';
import { DataError } from './errors';
import { errorMessage } from '../errors';

/** A file the user gave us (picked, dropped, or read from disk by a script). */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DataError(file, `is not a valid gzip file (${errorMessage(error)})`);
  }
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}
