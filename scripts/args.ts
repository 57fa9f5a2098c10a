/** Command-line options for the scripts: `--name value`, `--name=value` and `--flag`, checked against what a script accepts. */

/** Bad arguments: the scripts print the message and exit with code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Options that take a value. */
  values: readonly string[];
  /** Options that are on or off. */
  flags?: readonly string[];
  /** How many plain arguments (a command) may come first. */
  positional?: number;
}

export class Options {
  constructor(
    private readonly values: Map<string, string>,
    readonly positional: string[],
  ) {}

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A numeric option's value, or undefined when it was not given. */
  number(name: string): number | undefined {
    const text = this.values.get(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${text}"`);
    return value;
  }
}

export function parseOptions(args: readonly string[], spec: OptionSpec): Options {
  const flags = spec.flags ?? [];
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      if (positional.length < (spec.positional ?? 0) && values.size === 0) {
        positional.push(arg);
        continue;
      }
      throw new UsageError(`unexpected argument "${arg}"`);
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (flags.includes(key)) {
      values.set(key, 'true');
    } else if (spec.values.includes(key)) {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
      values.set(key, value);
    } else {
      throw new UsageError(`unknown option --${key}; options: ${[...spec.values, ...flags].map((o) => `--${o}`).join(' ')}`);
    }
  }
  return new Options(values, positional);
}
