/**
 * The safetensors format (huggingface/safetensors): an unsigned little-endian 64-bit header length
 * N, N bytes of UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {string: string}}` padded with spaces so the data starts 8-byte aligned, then the tensors' bytes,
 * contiguous, offsets relative to the end of the header. We write and read float32 ("F32") only.
 */
import { errorMessage } from '../errors';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Serializes tensors (in the given order) and string metadata. */
export function writeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length)
      throw new Error(`tensor "${t.name}": shape [${t.shape}] does not hold ${t.data.length} values`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - ((8 + raw) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    const view = new DataView(out.buffer, at, t.data.length * 4);
    t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    at += t.data.length * 4;
  }
  return out;
}

interface HeaderEntry {
  dtype: unknown;
  shape: unknown;
  data_offsets: unknown;
}

function isEntry(value: unknown): value is HeaderEntry {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'shape' in value && 'data_offsets' in value;
}

/**
 * Parses and validates a safetensors file: header length within the file, a JSON object header,
 * float32 tensors only, integer shapes, offsets contiguous and covering the data exactly, and
 * finite values. Every problem is reported with the file name.
 */
export function readSafetensors(bytes: Uint8Array, file = 'weights.safetensors'): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new SafetensorsError(file, problem);
  };
  if (bytes.length < 8) fail(`too short (${bytes.length} bytes) to hold the 8-byte header length`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER, bytes.length - 8)))
    fail(`the header length (${length} bytes) is larger than the file allows (${bytes.length - 8} bytes after the length)`);
  const headerEnd = 8 + Number(length);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${errorMessage(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const data = bytes.subarray(headerEnd);
  const metadata: Record<string, string> = {};
  const spans: Array<{ name: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null) fail('__metadata__ is not an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__["${k}"] is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (!isEntry(value)) fail(`"${name}" lacks dtype, shape or data_offsets`);
    const entry = value as HeaderEntry;
    if (entry.dtype !== 'F32') fail(`"${name}" has dtype ${JSON.stringify(entry.dtype)}; only F32 (float32) weights can be loaded`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`"${name}" has an invalid shape ${JSON.stringify(shape)}`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0])
      fail(`"${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets as number[];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4)
      fail(`"${name}": shape [${shape as number[]}] needs ${count * 4} bytes but data_offsets span ${end - begin}`);
    spans.push({ name, shape: shape as number[], begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const s of spans) {
    if (s.begin !== expected)
      fail(`"${s.name}" starts at byte ${s.begin} of the data, expected ${expected} (tensors must be contiguous, without overlap)`);
    expected = s.end;
  }
  if (expected !== data.length)
    fail(
      expected > data.length
        ? `truncated: the tensors need ${expected} bytes of data, the file has ${data.length}`
        : `${data.length - expected} bytes after the last tensor`,
    );
  const tensors = spans.map((s) => {
    const view = new DataView(data.buffer, data.byteOffset + s.begin, s.end - s.begin);
    const values = new Float32Array((s.end - s.begin) / 4);
    for (let i = 0; i < values.length; i++) {
      values[i] = view.getFloat32(i * 4, true);
      if (!Number.isFinite(values[i])) fail(`"${s.name}" holds a non-finite value (${values[i]}) at index ${i}`);
    }
    return { name: s.name, shape: s.shape, data: values };
  });
  return { tensors, metadata };
}
