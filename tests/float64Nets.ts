/**
 * Plain float64 JavaScript references for the engine's MLP and CNN, written in PyTorch's
 * conventions: NCHW images, conv weights [out, in, kh, kw] with 'same' padding as tfjs pads it
 * ((k − 1) // 2 before, k // 2 after: nn.ZeroPad2d((l, r, t, b)) + padding=0 for an even k), dense
 * weights [out, in], and the flatten into dense1 in HWC order (x.permute(0, 2, 3, 1).flatten(1)).
 * An optional activation pattern records which ReLUs are on and which input each 2x2 max-pool
 * picks (ties share, as the engine's FrozenActivations), so a finite difference of the loss sees
 * the smooth function whose Hessian the engine's HVP computes.
 */
export type Tensors = Record<string, { shape: number[]; data: Float64Array }>;

export class Pattern {
  private readonly masks = new Map<string, Float64Array>();
  private frozen = false;
  mask(key: string, compute: () => Float64Array): Float64Array {
    const known = this.masks.get(key);
    if (this.frozen && known) return known;
    const m = compute();
    this.masks.set(key, m);
    return m;
  }
  freeze(): this {
    this.frozen = true;
    return this;
  }
}

function relu(z: Float64Array, key: string, pattern?: Pattern): Float64Array {
  const mask = pattern ? pattern.mask(key, () => z.map((v) => (v > 0 ? 1 : 0))) : z.map((v) => (v > 0 ? 1 : 0));
  return z.map((v, i) => v * mask[i]);
}

/** y = x·Wᵀ + b for x [n, in], W [out, in]. */
function linear(x: Float64Array, n: number, w: { shape: number[]; data: Float64Array }, b: Float64Array): Float64Array {
  const [out, inp] = w.shape;
  const y = new Float64Array(n * out);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < out; o++) {
      let acc = b[o];
      for (let i = 0; i < inp; i++) acc += x[s * inp + i] * w.data[o * inp + i];
      y[s * out + o] = acc;
    }
  return y;
}

/**
 * How the convolutions pad: 'tfjs-same' ((k − 1) // 2 before, k // 2 after, what the engine trains
 * with) or 'symmetric' (k // 2 on both sides, PyTorch's padding=k//2: the same only for odd k).
 */
export type Padding = 'tfjs-same' | 'symmetric';

/** A stride-1 convolution of x [n, cin, h, w] with the given padding; returns the output and its size. */
function conv(
  x: Float64Array,
  n: number,
  h: number,
  wd: number,
  w: { shape: number[]; data: Float64Array },
  b: Float64Array,
  padding: Padding,
): { y: Float64Array; oh: number; ow: number } {
  const [cout, cin, k] = w.shape;
  const before = padding === 'tfjs-same' ? Math.floor((k - 1) / 2) : Math.floor(k / 2);
  const oh = h + before + Math.floor(k / 2) - k + 1;
  const ow = wd + before + Math.floor(k / 2) - k + 1;
  const y = new Float64Array(n * cout * oh * ow);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < cout; o++)
      for (let r = 0; r < oh; r++)
        for (let c = 0; c < ow; c++) {
          let acc = b[o];
          for (let i = 0; i < cin; i++)
            for (let dr = 0; dr < k; dr++) {
              const rr = r + dr - before;
              if (rr < 0 || rr >= h) continue;
              for (let dc = 0; dc < k; dc++) {
                const cc = c + dc - before;
                if (cc < 0 || cc >= wd) continue;
                acc += x[((s * cin + i) * h + rr) * wd + cc] * w.data[((o * cin + i) * k + dr) * k + dc];
              }
            }
          y[((s * cout + o) * oh + r) * ow + c] = acc;
        }
  return { y, oh, ow };
}

/** 2x2 max-pool, stride 2, odd trailing rows/columns dropped; with a pattern, the recorded selection. */
function maxPool(x: Float64Array, n: number, ch: number, h: number, wd: number, key: string, pattern?: Pattern): Float64Array {
  const h2 = Math.floor(h / 2);
  const w2 = Math.floor(wd / 2);
  const at = (s: number, c: number, r: number, q: number) => ((s * ch + c) * h + r) * wd + q;
  const select = () => {
    const weights = new Float64Array(n * ch * h2 * w2 * 4);
    for (let s = 0; s < n; s++)
      for (let c = 0; c < ch; c++)
        for (let r = 0; r < h2; r++)
          for (let q = 0; q < w2; q++) {
            const win = [at(s, c, 2 * r, 2 * q), at(s, c, 2 * r, 2 * q + 1), at(s, c, 2 * r + 1, 2 * q), at(s, c, 2 * r + 1, 2 * q + 1)];
            const top = Math.max(...win.map((i) => x[i]));
            const hits = win.map((i): number => (x[i] === top ? 1 : 0));
            const count = hits.reduce((a, b) => a + b, 0);
            hits.forEach((hit, j) => (weights[(((s * ch + c) * h2 + r) * w2 + q) * 4 + j] = hit / count));
          }
    return weights;
  };
  const weights = pattern ? pattern.mask(key, select) : select();
  const y = new Float64Array(n * ch * h2 * w2);
  for (let s = 0; s < n; s++)
    for (let c = 0; c < ch; c++)
      for (let r = 0; r < h2; r++)
        for (let q = 0; q < w2; q++) {
          const o = ((s * ch + c) * h2 + r) * w2 + q;
          const win = [at(s, c, 2 * r, 2 * q), at(s, c, 2 * r, 2 * q + 1), at(s, c, 2 * r + 1, 2 * q), at(s, c, 2 * r + 1, 2 * q + 1)];
          y[o] = win.reduce((acc, i, j) => acc + weights[o * 4 + j] * x[i], 0);
        }
  return y;
}

/** NCHW → the HWC flatten order the engine's dense1 was trained on. */
function flattenHwc(x: Float64Array, n: number, ch: number, h: number, wd: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let s = 0; s < n; s++)
    for (let c = 0; c < ch; c++)
      for (let r = 0; r < h; r++) for (let q = 0; q < wd; q++) y[((s * h + r) * wd + q) * ch + c] = x[((s * ch + c) * h + r) * wd + q];
  return y;
}

/** Logits [n, classes] of the CNN (two conv-ReLU-pool blocks, ReLU dense1, head) on NCHW images. */
export function cnnLogitsNchw(
  t: Tensors,
  x: Float64Array,
  n: number,
  [, h, w]: [number, number, number],
  pattern?: Pattern,
  padding: Padding = 'tfjs-same',
  /** 'chw': dense1 reads the NCHW activations as they lie, as PyTorch's nn.Flatten does. */
  flatten: 'hwc' | 'chw' = 'hwc',
): Float64Array {
  const c1 = t['conv1.weight'].shape[0];
  const c2 = t['conv2.weight'].shape[0];
  const z1 = conv(x, n, h, w, t['conv1.weight'], t['conv1.bias'].data, padding);
  const a1 = maxPool(relu(z1.y, 'conv1', pattern), n, c1, z1.oh, z1.ow, 'pool1', pattern);
  const [h1, w1] = [Math.floor(z1.oh / 2), Math.floor(z1.ow / 2)];
  const z2 = conv(a1, n, h1, w1, t['conv2.weight'], t['conv2.bias'].data, padding);
  const a2 = maxPool(relu(z2.y, 'conv2', pattern), n, c2, z2.oh, z2.ow, 'pool2', pattern);
  const [h2, w2] = [Math.floor(z2.oh / 2), Math.floor(z2.ow / 2)];
  const flat = flatten === 'hwc' ? flattenHwc(a2, n, c2, h2, w2) : a2;
  const features = relu(linear(flat, n, t['dense1.weight'], t['dense1.bias'].data), 'dense1', pattern);
  return linear(features, n, t['head.weight'], t['head.bias'].data);
}

/** Logits of the MLP (HWC-flattened inputs, ReLU hidden layers dense1..N, head). */
export function mlpLogits(t: Tensors, x: Float64Array, n: number, pattern?: Pattern): Float64Array {
  let a = x;
  for (let i = 1; t[`dense${i}.weight`]; i++) a = relu(linear(a, n, t[`dense${i}.weight`], t[`dense${i}.bias`].data), `dense${i}`, pattern);
  return linear(a, n, t['head.weight'], t['head.bias'].data);
}

/** Mean softmax cross-entropy of logits [n, k]. */
export function crossEntropy(logits: Float64Array, labels: ArrayLike<number>, n: number): number {
  const k = logits.length / n;
  let total = 0;
  for (let s = 0; s < n; s++) {
    const row = logits.subarray(s * k, s * k + k);
    const top = Math.max(...row);
    const sum = row.reduce((acc, z) => acc + Math.exp(z - top), 0);
    total += top + Math.log(sum) - row[labels[s]];
  }
  return total / n;
}

/**
 * The engine's tensors (names like conv1/kernel; dense [in, out], conv [kh, kw, in, out]) in
 * PyTorch's names and layouts (conv1.weight [out, in, kh, kw], dense1.weight [out, in]).
 */
export function toTorchLayout(engine: Record<string, { shape: number[]; data: ArrayLike<number> }>): Tensors {
  const out: Tensors = {};
  for (const [name, { shape, data }] of Object.entries(engine)) {
    const [layer, kind] = name.split('/');
    if (kind === 'bias') {
      out[`${layer}.bias`] = { shape, data: Float64Array.from(data) };
    } else if (shape.length === 2) {
      const [inp, o] = shape;
      const w = new Float64Array(inp * o);
      for (let i = 0; i < inp; i++) for (let j = 0; j < o; j++) w[j * inp + i] = data[i * o + j];
      out[`${layer}.weight`] = { shape: [o, inp], data: w };
    } else {
      const [kh, kw, cin, cout] = shape;
      const w = new Float64Array(data.length);
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < cout; o++) w[((o * cin + i) * kh + a) * kw + b] = data[((a * kw + b) * cin + i) * cout + o];
      out[`${layer}.weight`] = { shape: [cout, cin, kh, kw], data: w };
    }
  }
  return out;
}

/** HWC images [n, h, w, c] → NCHW. */
export function toNchw(x: ArrayLike<number>, n: number, [h, w, c]: [number, number, number]): Float64Array {
  const y = new Float64Array(n * h * w * c);
  for (let s = 0; s < n; s++)
    for (let r = 0; r < h; r++)
      for (let q = 0; q < w; q++) for (let ch = 0; ch < c; ch++) y[((s * c + ch) * h + r) * w + q] = x[((s * h + r) * w + q) * c + ch];
  return y;
}
