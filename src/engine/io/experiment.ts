import { z } from 'zod';
import { DEFAULT_HESSIAN, DEFAULT_TRACKING, hessianSettingsSchema, hessianTrackingSchema } from '../hessian/config';
import { DEFAULT_LANDSCAPE, landscapeSettingsSchema } from '../landscape/config';
import { ANALYSIS_SETTINGS_SCHEMAS, DEFAULT_ANALYSIS_SETTINGS, analysisSettingsSchema } from '../analyses/config';
import {
  has,
  isJsonObject,
  kindOf,
  loadList,
  loadObject,
  nameOf,
  Notes,
  reportUnknownKeys,
  Sanitizer,
  show,
  type Json,
  type JsonObject,
  type Loader,
} from './jsonRepair';
import { toyRunSchema } from '../toy/optimizers';
import { TOY_PRESETS } from '../toy/presets';
import { SURFACE_IDS } from '../toy/surfaces';
import { comparisonConfigSchema, defaultComparison, laneConfigSchema, type ComparisonConfig } from '../train/config';
import { MAX_LANES } from '../train/lanes';
import { errorMessage } from '../errors';

/**
 * The whole experiment (comparison, landscape and Hessian settings, toy lab) as one versioned JSON document,
 * saved as a file or packed into a link (JSON → deflate → base64url). Loading never throws: whatever does not
 * validate falls back to the defaults, field by field, and is listed in `ignored`.
 */

export const EXPERIMENT_FORMAT = 'flat-minima-playground/experiment';
export const EXPERIMENT_VERSION = 2;
/** Largest experiment JSON read from a file or a link (bytes after decompression). */
export const MAX_EXPERIMENT_BYTES = 200_000;
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
  /** Settings of the sharpness, per-layer, eigen-slice, connectivity, trajectory and convexity analyses. */
  analysisSettings: analysisSettingsSchema,
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
    landscape: { settings: structuredClone(DEFAULT_LANDSCAPE), kind: 'surface' },
    hessian: { settings: structuredClone(DEFAULT_HESSIAN), tracking: structuredClone(DEFAULT_TRACKING), trackingOn: true },
    analysisSettings: structuredClone(DEFAULT_ANALYSIS_SETTINGS),
    toy: defaultToy(),
  };
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

function loadAnalysisSettings(raw: Json | undefined, path: string, notes: Notes): Experiment['analysisSettings'] {
  const fallback = defaultExperiment().analysisSettings;
  const loaders = Object.fromEntries(
    Object.entries(ANALYSIS_SETTINGS_SCHEMAS).map(([kind, schema]) => [
      kind,
      ((value, at, n) => loadObject(schema, value, fallback[kind as keyof typeof fallback], at, n)) as Loader,
    ]),
  );
  return loadObject(analysisSettingsSchema, raw, fallback, path, notes, loaders);
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

const V2_KEYS = ['format', 'version', 'comparison', 'landscape', 'hessian', 'analysisSettings', 'toy'];
const V1_KEYS = ['format', 'version', 'config'];

/** 1 or 2 (how to read the document), or null (nothing to read). Newer versions read as 2. */
function resolveVersion(doc: JsonObject, notes: Notes): 1 | 2 | null {
  const version = doc.version;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1) {
    if (version > EXPERIMENT_VERSION) {
      notes.add(
        `the experiment comes from a newer version of the playground (format version ${version}; this ` +
          `one reads ${EXPERIMENT_VERSION}) — loaded what validates`,
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
    analysisSettings: has(doc, 'analysisSettings')
      ? loadAnalysisSettings(doc.analysisSettings, 'analysisSettings', notes)
      : base.analysisSettings,
    toy: loadToy(doc.toy, 'toy', notes),
  };
}

export function fallbackResult(notes: Notes, message: string): LoadedExperiment {
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
    return fallbackResult(notes, `the experiment could not be read (${errorMessage(error)}) — using the defaults`);
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

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
