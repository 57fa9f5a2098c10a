import { all, create, type MathNode } from 'mathjs';
import type { Surface, Vec2 } from './surfaces';
import { errorMessage } from '../errors';

/**
 * A user's formula in p1 and p2, parsed with mathjs (no eval, no Function), restricted to numbers,
 * + − * / ^, parentheses, pi, e and the functions below; gradients by mathjs's symbolic derivative,
 * or by central differences where it has none.
 */
const math = create(all);

const FUNCTIONS = new Set([
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'exp',
  'log',
  'log10',
  'sqrt',
  'abs',
  'pow',
  'min',
  'max',
]);
const SYMBOLS = new Set(['p1', 'p2', 'pi', 'e']);
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
  ) {
    super(position === null ? message : `${message} (at character ${position + 1})`);
  }
}

function check(node: MathNode, text: string): void {
  node.traverse((n, _path, parent) => {
    if (n.type === 'ConstantNode') {
      if (typeof (n as unknown as { value: unknown }).value !== 'number')
        throw new ExpressionError('only numbers are allowed as constants', null);
    } else if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      const isFunctionName = parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n;
      if (isFunctionName ? !FUNCTIONS.has(name) : !SYMBOLS.has(name)) {
        throw new ExpressionError(
          isFunctionName
            ? `unknown function "${name}"; use one of ${[...FUNCTIONS].join(', ')}`
            : `unknown name "${name}"; the variables are p1 and p2 (and the constants pi, e)`,
          text.indexOf(name),
        );
      }
    } else if (n.type === 'OperatorNode') {
      const fn = (n as unknown as { fn: string }).fn;
      if (!OPERATORS.has(fn)) throw new ExpressionError(`operator "${(n as unknown as { op: string }).op}" is not allowed`, null);
    } else if (!['FunctionNode', 'ParenthesisNode'].includes(n.type)) {
      throw new ExpressionError(
        `${n.type.replace('Node', '').toLowerCase()} expressions are not allowed: write a formula in p1 and p2`,
        null,
      );
    }
  });
}

function compiled(node: MathNode): (p: Vec2) => number {
  const code = node.compile();
  return ([p1, p2]) => {
    const v = code.evaluate({ p1, p2 }) as unknown;
    return typeof v === 'number' ? v : NaN;
  };
}

/** Parses `text` into a surface, or throws an ExpressionError saying what is wrong and where. */
export function expressionSurface(text: string, view: [number, number, number, number] = [-3, 3, -3, 3]): Surface & { symbolic: boolean } {
  if (text.trim() === '') throw new ExpressionError('the formula is empty: write a function of p1 and p2, e.g. p1^2 + 3*p2^2', null);
  if (text.length > 500) throw new ExpressionError('the formula is longer than 500 characters', null);
  let node: MathNode;
  try {
    node = math.parse(text);
  } catch (error) {
    const char = (error as { char?: number }).char;
    throw new ExpressionError(errorMessage(error).replace(/ \(char \d+\)$/, ''), typeof char === 'number' ? Math.max(0, char - 1) : null);
  }
  check(node, text);
  const value = compiled(node);
  let gradient: (p: Vec2) => Vec2;
  let symbolic = true;
  try {
    const d1 = compiled(math.derivative(node, 'p1'));
    const d2 = compiled(math.derivative(node, 'p2'));
    gradient = (p) => [d1(p), d2(p)];
  } catch {
    symbolic = false;
    gradient = (p) => {
      const h = 1e-6 * Math.max(1, Math.abs(p[0]), Math.abs(p[1]));
      return [(value([p[0] + h, p[1]]) - value([p[0] - h, p[1]])) / (2 * h), (value([p[0], p[1] + h]) - value([p[0], p[1] - h])) / (2 * h)];
    };
  }
  const probe = value([(view[0] + view[1]) / 2 + 0.123, (view[2] + view[3]) / 2 + 0.456]);
  if (!Number.isFinite(probe) && !Number.isNaN(probe))
    throw new ExpressionError('the formula is not a finite number inside the view', null);
  return {
    id: 'custom',
    label: 'Your formula',
    description: `ℓ = ${text}`,
    value,
    gradient,
    view,
    start: [(view[0] * 3 + view[1]) / 4, (view[2] + view[3] * 3) / 4],
    symbolic,
  };
}
