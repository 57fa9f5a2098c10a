/**
 * Reading untrusted JSON field by field: a bounded plain-data copy of the input (no prototypes,
 * getters or class instances; limits on depth, size and lengths), then validation of each field
 * against its zod schema with the default as the fallback, every problem listed in words.
 * Nothing here knows about experiments: experiment.ts uses it for its sections.
 */
import { z } from 'zod';
import { describeZodError } from '../validation';

// ---------------------------------------------------------------------------------------------------------------
// Messages

const MAX_NOTES = 50;
const MAX_NOTE_CHARS = 300;

/** The list behind `ignored`: deduplicated, each line clipped, at most MAX_NOTES lines plus a count of the rest. */
export class Notes {
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

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A short JSON rendering of a value for messages. */
export function show(value: unknown): string {
  return clip(JSON.stringify(value) ?? String(value), 60);
}

export function kindOf(value: unknown): string {
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

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

const MAX_DEPTH = 20;
const MAX_VALUES = 20_000;
const MAX_ITEMS = 100;
const MAX_KEYS = 100;
const MAX_STRING = 1_000;
const MAX_KEY = 64;
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

export function isJsonObject(value: Json | undefined): value is JsonObject {
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
export class Sanitizer {
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

export function has(source: JsonObject, key: string): boolean {
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

export function reportUnknownKeys(raw: JsonObject, known: readonly string[], path: string, notes: Notes): void {
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
export type Loader = (raw: Json | undefined, path: string, notes: Notes) => unknown;

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * Validates an object field by field against `schema` (special keys through `loaders`), falling back to
 * `fallback`'s value for every field that does not validate; unknown keys are listed and dropped.
 */
export function loadObject<S extends AnyObjectSchema>(
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

export function nameOf(raw: Json, fields: readonly string[]): string {
  if (!isJsonObject(raw)) return '';
  const names = fields
    .map((f) => raw[f])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => show(v));
  return names.length > 0 ? ` ${names.join(' / ')}` : '';
}

/** A list whose invalid items are dropped one by one; the fallback list when none survives. */
export function loadList<T>(options: ListOptions<T>, raw: Json | undefined, path: string, notes: Notes): T[] {
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
