/** The share link's experiment parameter: JSON → deflate (level 9) → base64url without padding, read back defensively. */
import { Inflate, deflateSync, strToU8 } from 'fflate';
import { errorMessage } from '../errors';
import { fallbackResult, loadExperiment, MAX_EXPERIMENT_BYTES, parseJson, type Experiment, type LoadedExperiment } from './experiment';
import { Notes } from './jsonRepair';

/** Largest link parameter decoded (characters). */
export const MAX_PARAM_CHARS = 100_000;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_INDEX = new Map([...BASE64URL].map((c, i) => [c, i]));

function toBase64Url(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, bytes.length - i + 1);
    for (let c = 0; c < chars; c++) out.push(BASE64URL[(n >> (18 - 6 * c)) & 63]);
  }
  return out.join('');
}

/** The bytes, or null when the text is not base64url (standard base64's + / and = padding are accepted too). */
function fromBase64Url(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (clean.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let n = 0;
  let bits = 0;
  let o = 0;
  for (const c of clean) {
    const v = BASE64URL_INDEX.get(c);
    if (v === undefined) return null;
    n = ((n << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (n >> bits) & 0xff;
    }
  }
  return bytes;
}

type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Inflates in small input chunks and stops as soon as the output passes `limit` (deflate bombs). */
function inflateLimited(data: Uint8Array, limit: number): Inflated {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk.slice());
  });
  const step = 1024;
  try {
    for (let i = 0; i < data.length && total <= limit; i += step) inflater.push(data.subarray(i, i + step), i + step >= data.length);
  } catch (error) {
    return { ok: false, error: `the compressed data is damaged (${errorMessage(error)})` };
  }
  if (total > limit) return { ok: false, error: `it unpacks to more than ${limit / 1000} KB` };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { ok: true, bytes };
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function encodeExperimentParam(e: Experiment): string {
  return toBase64Url(deflateSync(strToU8(JSON.stringify(e)), { level: 9 }));
}

/** Unpacks a link's experiment parameter; never throws. */
export function decodeExperimentParam(param: string): LoadedExperiment {
  const notes = new Notes();
  const refuse = (why: string) => fallbackResult(notes, `the link's experiment could not be read: ${why} — using the defaults`);
  if (typeof param !== 'string') return refuse('it is not text');
  const text = param.trim();
  if (text.length === 0) return refuse('it is empty');
  if (text.length > MAX_PARAM_CHARS) return refuse(`it is longer than ${MAX_PARAM_CHARS} characters`);
  const compressed = fromBase64Url(text);
  if (compressed === null) return refuse('it is not base64url text');
  if (compressed.length === 0) return refuse('it is empty');
  const inflated = inflateLimited(compressed, MAX_EXPERIMENT_BYTES);
  if (!inflated.ok) return refuse(inflated.error);
  const json = decodeUtf8(inflated.bytes);
  if (json === null) return refuse('it does not unpack to UTF-8 text');
  const parsed = parseJson(json);
  if (!parsed.ok) return refuse(`it is not JSON (${parsed.error})`);
  return loadExperiment(parsed.value);
}
