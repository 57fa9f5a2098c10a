import { Inflate, deflateSync, strToU8 } from 'fflate';
import { z } from 'zod';
import { DEFAULT_HESSIAN, DEFAULT_TRACKING, hessianSettingsSchema, hessianTrackingSchema } from '../hessian/config';
import { DEFAULT_LANDSCAPE, landscapeSettingsSchema } from '../landscape/config';
import { describeZodError } from '../validation';
import { toyRunSchema } from '../toy/optimizers';
import { TOY_PRESETS } from '../toy/presets';
import { SURFACE_IDS } from '../toy/surfaces';
import { comparisonConfigSchema, defaultComparison, laneConfigSchema, MAX_LANES, type ComparisonConfig } from '../train/config';

/**
 * The whole experiment (comparison, landscape and Hessian settings, toy lab) as one versioned JSON document,
 * saved as a file or packed into a link (JSON → deflate → base64url). Loading never throws: whatever does not
 * validate falls back to the defaults, field by field, and is listed in `ignored`.
 */

export const EXPERIMENT_FORMAT = 'flat-minima-playground/experiment';
export const EXPERIMENT_VERSION = 2;
/** Largest experiment JSON read from a file or a link (bytes after decompression). */
export const MAX_EXPERIMENT_BYTES = 200_000;
/** Largest link parameter decoded (characters). */
export const MAX_PARAM_CHARS = 100_000;
export const MAX_TOY_RUNS = 8;
/** The toy lab's formula for the surface "custom" until the user writes one. */
export const DEFAULT_TOY_FORMULA = 'p1^2 + 10*p2^2 - 2*exp(-((p1-1)^2 + p2^2)/0.05)';

const LANDSCAPE_KINDS = ['curve', 'surface', 'interpolation'] as const;
const TOY_SURFACES = [...SURFACE_IDS, 'custom'];

const landscapeSectionSchema = z.object({
  settings: landscapeSettingsSchema,
  kind: z.enum(LANDSCAPE_KINDS, { error: `kind must be one of ${LANDSCAPE_KINDS.join(', ')}` }),
});

const hessianSectionSchema = z.object({
  settings: hessianSettingsSchema,
  tracking: hessianTrackingSchema,
  trackingOn: z.boolean({ error: 'trackingOn must be true or false' }),
});

const toyCoordinate = z.number().min(-1e6).max(1e6);

export const toyRunSpecSchema = z.object({
  label: z.string().min(1).max(40),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'color must look like #1a73e8' }),
  config: toyRunSchema,
});

const toySectionSchema = z.object({
  surface: z.string().refine((id) => TOY_SURFACES.includes(id), { error: `surface must be one of ${TOY_SURFACES.join(', ')}` }),
  formula: z.string().max(500),
  start: z.tuple([toyCoordinate, toyCoordinate]),
  steps: z.number().int().min(1).max(100_000),
  runs: z.array(toyRunSpecSchema).min(1).max(MAX_TOY_RUNS),
});

export const experimentSchema = z.object({
  format: z.literal(EXPERIMENT_FORMAT),
  version: z.literal(EXPERIMENT_VERSION),
  comparison: comparisonConfigSchema,
  landscape: landscapeSectionSchema,
  hessian: hessianSectionSchema,
  toy: toySectionSchema,
});

export type Experiment = z.infer<typeof experimentSchema>;

export interface LoadedExperiment {
  experiment: Experiment;
  /** Human-readable: what was dropped or replaced by a default, and why (empty when everything was read). */
  ignored: string[];
}

type Toy = Experiment['toy'];

function defaultToy(): Toy {
  const preset = TOY_PRESETS[0];
  return structuredClone({
    surface: preset.surface,
    formula: DEFAULT_TOY_FORMULA,
    start: preset.start,
    steps: preset.steps,
    runs: preset.runs,
  });
}

export function defaultExperiment(): Experiment {
  return {
    format: EXPERIMENT_FORMAT,
    version: EXPERIMENT_VERSION,
    comparison: defaultComparison(),
    landscape: { settings: structuredClone(DEFAULT_LANDSCAPE), kind: 'curve' },
    hessian: { settings: structuredClone(DEFAULT_HESSIAN), tracking: structuredClone(DEFAULT_TRACKING), trackingOn: false },
    toy: defaultToy(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

const MAX_NOTES = 50;
const MAX_NOTE_CHARS = 300;

/** The list behind `ignored`: deduplicated, each line clipped, at most MAX_NOTES lines plus a count of the rest. */
class Notes {
  private readonly lines: string[] = [];
  private extra = 0;

  add(line: string): void {
    const clipped = clip(line, MAX_NOTE_CHARS);
    if (this.lines.includes(clipped)) return;
    if (this.lines.length < MAX_NOTES) this.lines.push(clipped);
    else this.extra++;
  }

  list(): string[] {
    return this.extra > 0 ? [...this.lines, `… and ${this.extra} more problems`] : [...this.lines];
  }
}

function where(path: string): string {
  return path || 'the experiment';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A short JSON rendering of a value for messages. */
function show(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value), 60);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'true/false';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** describeZodError with every issue's path under `path` ("comparison.seed: Too big: …"). */
function problemAt(path: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => ({ ...issue, path: [path, ...issue.path] }));
  return describeZodError(new z.ZodError(issues));
}

// ---------------------------------------------------------------------------------------------------------------
// Plain data: a bounded copy of the input made only of JSON values

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

const MAX_DEPTH = 20;
const MAX_VALUES = 20_000;
const MAX_ITEMS = 100;
const MAX_KEYS = 100;
const MAX_STRING = 1_000;
const MAX_KEY = 64;
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainRecord(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own data property's value, without running getters. */
function ownValue(source: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(source, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

/**
 * Copies the input into fresh null-prototype objects and arrays of JSON values, with limits on depth, size,
 * list length, key count and string length; anything else (functions, class instances, getters) is dropped.
 */
class Sanitizer {
  private values = 0;

  constructor(private readonly notes: Notes) {}

  copy(value: unknown, path: string, depth: number): Json | undefined {
    if (++this.values > MAX_VALUES) return this.drop(`the document holds over ${MAX_VALUES} values — the rest was dropped`);
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
    if (typeof value === 'string') return this.copyString(value, path);
    if (value === undefined) return undefined;
    if (typeof value !== 'object') return this.drop(`${where(path)}: ${kindOf(value)} is not plain data — dropped`);
    if (depth >= MAX_DEPTH) return this.drop(`${where(path)}: nested deeper than ${MAX_DEPTH} levels — dropped`);
    if (Array.isArray(value)) return this.copyArray(value, path, depth);
    if (!isPlainRecord(value)) return this.drop(`${where(path)}: not a plain object — dropped`);
    return this.copyObject(value, path, depth);
  }

  private drop(message: string): undefined {
    this.notes.add(message);
    return undefined;
  }

  private copyString(value: string, path: string): string {
    if (value.length <= MAX_STRING) return value;
    this.notes.add(`${where(path)}: a text of ${value.length} characters was cut to ${MAX_STRING}`);
    return value.slice(0, MAX_STRING);
  }

  private copyArray(value: readonly unknown[], path: string, depth: number): Json[] {
    const length = Math.min(value.length, MAX_ITEMS);
    if (value.length > MAX_ITEMS) this.notes.add(`${where(path)}: a list of ${value.length} items — only the first ${MAX_ITEMS} were read`);
    const out: Json[] = [];
    for (let i = 0; i < length; i++) out.push(this.copy(ownValue(value, String(i)), `${path}.${i}`, depth + 1) ?? null);
    return out;
  }

  private copyObject(value: object, path: string, depth: number): JsonObject {
    const out: JsonObject = Object.create(null);
    const keys = Object.keys(value);
    if (keys.length > MAX_KEYS) this.notes.add(`${where(path)}: ${keys.length} keys — only the first ${MAX_KEYS} were read`);
    for (const key of keys.slice(0, MAX_KEYS)) {
      const at = path ? `${path}.${clip(key, MAX_KEY)}` : clip(key, MAX_KEY);
      if (RESERVED_KEYS.includes(key) || key.length > MAX_KEY) {
        this.notes.add(`${at}: unknown key — dropped`);
        continue;
      }
      const item = this.copy(ownValue(value, key), at, depth + 1);
      if (item !== undefined) out[key] = item;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Field-by-field repair

function has(source: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(source, key);
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists the keys of the raw value that zod stripped from its output (unknown keys), at any depth. */
function reportStripped(raw: Json | undefined, parsed: unknown, path: string, notes: Notes): void {
  if (isJsonObject(raw) && isRecord(parsed)) {
    for (const key of Object.keys(raw)) {
      if (!Object.prototype.hasOwnProperty.call(parsed, key)) notes.add(`${join(path, key)}: unknown key — dropped`);
      else reportStripped(raw[key], parsed[key], join(path, key), notes);
    }
  } else if (Array.isArray(raw) && Array.isArray(parsed)) {
    const items: unknown[] = parsed;
    raw.forEach((item, i) => {
      if (i < items.length) reportStripped(item, items[i], join(path, i), notes);
    });
  }
}

function reportUnknownKeys(raw: JsonObject, known: readonly string[], path: string, notes: Notes): void {
  for (const key of Object.keys(raw)) if (!known.includes(key)) notes.add(`${join(path, key)}: unknown key — dropped`);
}

/** One field: its validated value, or the fallback with a message (silent when missing and the schema has a default). */
function repairField(schema: z.core.$ZodType, raw: JsonObject, key: string, fallback: unknown, path: string, notes: Notes): unknown {
  const present = has(raw, key);
  const value = present ? raw[key] : undefined;
  const result = z.safeParse(schema, value);
  if (result.success) {
    reportStripped(value, result.data, path, notes);
    return result.data;
  }
  notes.add(
    present
      ? `${problemAt(path, result.error)} — using the default ${show(fallback)}`
      : `${path}: missing — using the default ${show(fallback)}`,
  );
  return structuredClone(fallback);
}

/** Reads one part of the document; gets undefined when the key is missing. */
type Loader = (raw: Json | undefined, path: string, notes: Notes) => unknown;

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * Validates an object field by field against `schema` (special keys through `loaders`), falling back to
 * `fallback`'s value for every field that does not validate; unknown keys are listed and dropped.
 */
function loadObject<S extends AnyObjectSchema>(
  schema: S,
  raw: Json | undefined,
  fallback: z.output<S>,
  path: string,
  notes: Notes,
  loaders: Record<string, Loader> = {},
): z.output<S> {
  if (!isJsonObject(raw)) {
    notes.add(`${path}: ${raw === undefined ? 'missing' : `${kindOf(raw)}, not an object`} — using the defaults`);
    return structuredClone(fallback);
  }
  const fallbackRecord: Record<string, unknown> = fallback;
  const record: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const loader = loaders[key];
    record[key] = loader
      ? loader(has(raw, key) ? raw[key] : undefined, join(path, key), notes)
      : repairField(field, raw, key, fallbackRecord[key], join(path, key), notes);
  }
  reportUnknownKeys(raw, Object.keys(schema.shape), path, notes);
  const result = schema.safeParse(record);
  if (result.success) return result.data;
  notes.add(`${problemAt(path, result.error)} — using the defaults for ${path}`);
  return structuredClone(fallback);
}

interface ListOptions<T> {
  schema: z.ZodType<T>;
  fallback: T[];
  max: number;
  /** "lane", "run". */
  noun: string;
  /** What the message names an item by. */
  name: (raw: Json) => string;
  /** A key that must be unique (lane ids), or null. */
  key: (item: T) => string | null;
}

function nameOf(raw: Json, fields: readonly string[]): string {
  if (!isJsonObject(raw)) return '';
  const names = fields
    .map((f) => raw[f])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => show(v));
  return names.length > 0 ? ` ${names.join(' / ')}` : '';
}

/** A list whose invalid items are dropped one by one; the fallback list when none survives. */
function loadList<T>(options: ListOptions<T>, raw: Json | undefined, path: string, notes: Notes): T[] {
  const { schema, fallback, max, noun } = options;
  if (!Array.isArray(raw)) {
    notes.add(`${path}: ${raw === undefined ? 'missing' : `${kindOf(raw)}, not a list`} — using the default ${noun}s`);
    return structuredClone(fallback);
  }
  const kept: T[] = [];
  const keys = new Set<string>();
  raw.forEach((item, i) => {
    const label = `${noun} ${i + 1}${options.name(item)} (${join(path, i)})`;
    const result = schema.safeParse(item);
    if (!result.success) return notes.add(`${label} dropped — ${describeZodError(result.error)}`);
    const key = options.key(result.data);
    if (key !== null && keys.has(key)) return notes.add(`${label} dropped — its id ${show(key)} is already used by an earlier ${noun}`);
    if (key !== null) keys.add(key);
    reportStripped(item, result.data, join(path, i), notes);
    kept.push(result.data);
  });
  if (kept.length > max) notes.add(`${path}: ${kept.length} ${noun}s — only the first ${max} were kept`);
  if (kept.length === 0) {
    notes.add(`${path}: no valid ${noun} — using the default ${noun}s`);
    return structuredClone(fallback);
  }
  return kept.slice(0, max);
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

function loadComparison(raw: Json | undefined, path: string, notes: Notes): ComparisonConfig {
  const fallback = defaultComparison();
  const lanes: Loader = (value, at, n) =>
    loadList(
      {
        schema: laneConfigSchema,
        fallback: fallback.lanes,
        max: MAX_LANES,
        noun: 'lane',
        name: (item) => nameOf(item, ['name', 'id']),
        key: (lane) => lane.id,
      },
      value,
      at,
      n,
    );
  return loadObject(comparisonConfigSchema, raw, fallback, path, notes, { lanes });
}

function loadLandscape(raw: Json | undefined, path: string, notes: Notes): Experiment['landscape'] {
  const fallback = defaultExperiment().landscape;
  const settings: Loader = (value, at, n) => loadObject(landscapeSettingsSchema, value, fallback.settings, at, n);
  return loadObject(landscapeSectionSchema, raw, fallback, path, notes, { settings });
}

function loadHessian(raw: Json | undefined, path: string, notes: Notes): Experiment['hessian'] {
  const fallback = defaultExperiment().hessian;
  const settings: Loader = (value, at, n) => loadObject(hessianSettingsSchema, value, fallback.settings, at, n);
  const tracking: Loader = (value, at, n) => loadObject(hessianTrackingSchema, value, fallback.tracking, at, n);
  return loadObject(hessianSectionSchema, raw, fallback, path, notes, { settings, tracking });
}

function loadToy(raw: Json | undefined, path: string, notes: Notes): Toy {
  const fallback = defaultToy();
  const runs: Loader = (value, at, n) =>
    loadList(
      {
        schema: toyRunSpecSchema,
        fallback: fallback.runs,
        max: MAX_TOY_RUNS,
        noun: 'run',
        name: (item) => nameOf(item, ['label']),
        key: () => null,
      },
      value,
      at,
      n,
    );
  return loadObject(toySectionSchema, raw, fallback, path, notes, { runs });
}

// ---------------------------------------------------------------------------------------------------------------
// The document

const V2_KEYS = ['format', 'version', 'comparison', 'landscape', 'hessian', 'toy'];
const V1_KEYS = ['format', 'version', 'config'];

/** 1 or 2 (how to read the document), or null (nothing to read). Newer versions read as 2. */
function resolveVersion(doc: JsonObject, notes: Notes): 1 | 2 | null {
  const version = doc.version;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1) {
    if (version > EXPERIMENT_VERSION) {
      notes.add(
        `the experiment comes from a newer version of the playground (format version ${version}; this one reads ${EXPERIMENT_VERSION}) — loaded what validates`,
      );
    }
    return version === 1 ? 1 : 2;
  }
  if (has(doc, 'version')) notes.add(`version: ${show(version)} is not a format version — read by its contents`);
  if (['comparison', 'landscape', 'hessian', 'toy'].some((key) => has(doc, key))) return 2;
  if (has(doc, 'config')) return 1;
  notes.add('the experiment has neither "comparison" nor "config" — using the defaults');
  return null;
}

function checkFormat(doc: JsonObject, notes: Notes): void {
  if (has(doc, 'format') && doc.format !== EXPERIMENT_FORMAT) {
    notes.add(`format: ${show(doc.format)} is not ${show(EXPERIMENT_FORMAT)} — read as an experiment anyway`);
  }
}

function loadDocument(doc: JsonObject, notes: Notes): Experiment {
  const version = resolveVersion(doc, notes);
  if (version === null) return defaultExperiment();
  checkFormat(doc, notes);
  const base = defaultExperiment();
  if (version === 1) {
    notes.add('migrated from version 1: the comparison was kept; the landscape, Hessian and toy settings are the defaults');
    reportUnknownKeys(doc, V1_KEYS, '', notes);
    return { ...base, comparison: loadComparison(doc.config, 'config', notes) };
  }
  reportUnknownKeys(doc, V2_KEYS, '', notes);
  return {
    ...base,
    comparison: loadComparison(doc.comparison, 'comparison', notes),
    landscape: loadLandscape(doc.landscape, 'landscape', notes),
    hessian: loadHessian(doc.hessian, 'hessian', notes),
    toy: loadToy(doc.toy, 'toy', notes),
  };
}

function fallbackResult(notes: Notes, message: string): LoadedExperiment {
  notes.add(message);
  return { experiment: defaultExperiment(), ignored: notes.list() };
}

/** Reads an experiment from any value (parsed JSON from a file or a link); never throws. */
export function loadExperiment(raw: unknown): LoadedExperiment {
  const notes = new Notes();
  try {
    const plain = new Sanitizer(notes).copy(raw, '', 0);
    if (!isJsonObject(plain))
      return fallbackResult(notes, `the experiment is ${kindOf(plain === undefined ? raw : plain)}, not an object — using the defaults`);
    const experiment = loadDocument(plain, notes);
    // Rebuilt from a fresh JSON copy by zod: plain objects and arrays only, nothing shared with the input.
    return { experiment: experimentSchema.parse(JSON.parse(JSON.stringify(experiment))), ignored: notes.list() };
  } catch (error) {
    return fallbackResult(
      notes,
      `the experiment could not be read (${error instanceof Error ? error.message : String(error)}) — using the defaults`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files

export function experimentToJson(e: Experiment): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

/** Reads an experiment file's text; never throws. */
export function experimentFromJson(text: string): LoadedExperiment {
  const notes = new Notes();
  if (typeof text !== 'string') return fallbackResult(notes, 'the file is not text — using the defaults');
  if (text.length > MAX_EXPERIMENT_BYTES)
    return fallbackResult(notes, `the file is larger than ${MAX_EXPERIMENT_BYTES / 1000} KB — refused, using the defaults`);
  const parsed = parseJson(text);
  if (!parsed.ok) return fallbackResult(notes, `the file is not JSON: ${parsed.error} — using the defaults`);
  return loadExperiment(parsed.value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Links: JSON → deflate (level 9) → base64url without padding

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
    return { ok: false, error: `the compressed data is damaged (${error instanceof Error ? error.message : String(error)})` };
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
