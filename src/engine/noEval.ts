import { z } from 'zod';

/**
 * Imported first by every entry point (page, worker, bench page). zod 4 compiles object parsers
 * by building functions from strings when it may (and probes whether it may); "jitless" turns both off, so
 * nothing in the app evaluates a string as code and the Content-Security-Policy can forbid eval.
 * It must run before any schema is built, hence its own module imported ahead of the others.
 */
z.config({ jitless: true });
