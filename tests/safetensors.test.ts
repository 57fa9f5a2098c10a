import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../src/engine/io/safetensors';

const tensors: NamedTensor[] = [
  { name: 'dense1/kernel', shape: [3, 2], data: Float32Array.from([0.1, -0.2, 0.3, 1e-7, -5, 123.25]) },
  { name: 'dense1/bias', shape: [2], data: Float32Array.from([0, -0]) },
  { name: 'head/kernel', shape: [2, 1], data: Float32Array.from([Math.PI, -Math.E]) },
];

function headerOf(bytes: Uint8Array): {
  length: number;
  json: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
} {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) };
}

describe('the safetensors writer follows the specification', () => {
  it('writes a little-endian u64 header length, a JSON header with contiguous data_offsets, and 8-byte aligned data', () => {
    const bytes = writeSafetensors(tensors, { step: '12', spec: JSON.stringify({ kind: 'mlp' }) });
    const { length, json } = headerOf(bytes);
    expect((8 + length) % 8).toBe(0);
    expect(
      new TextDecoder()
        .decode(bytes.subarray(8, 8 + length))
        .trimEnd()
        .endsWith('}'),
    ).toBe(true);
    expect(json.__metadata__).toEqual({ step: '12', spec: '{"kind":"mlp"}' });
    expect(json['dense1/kernel']).toEqual({ dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] });
    expect(json['dense1/bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [24, 32] });
    expect(json['head/kernel']).toEqual({ dtype: 'F32', shape: [2, 1], data_offsets: [32, 40] });
    expect(bytes.length).toBe(8 + length + 40);
    const data = new DataView(bytes.buffer, 8 + length);
    expect(data.getFloat32(5 * 4, true)).toBe(123.25);
    expect(data.getFloat32(32, true)).toBe(Math.fround(Math.PI));
  });

  it('round-trips tensors and metadata exactly', () => {
    const back = readSafetensors(writeSafetensors(tensors, { a: 'b' }));
    expect(back.metadata).toEqual({ a: 'b' });
    expect(back.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    back.tensors.forEach((t, i) => {
      expect(t.shape).toEqual(tensors[i].shape);
      expect(Array.from(t.data)).toEqual(Array.from(tensors[i].data));
    });
  });
});

describe('reading safetensors', () => {
  it('reads a file written by the official safetensors package (scripts/fixtures/make-safetensors-fixture.py)', () => {
    const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, 'fixtures', 'tiny-official.safetensors')));
    const file = readSafetensors(bytes, 'tiny-official.safetensors');
    expect(file.metadata.format).toBe('pt');
    expect(JSON.parse(file.metadata.flat_minima_playground)).toEqual({ note: 'written by the official safetensors package' });
    const byName = Object.fromEntries(file.tensors.map((t) => [t.name, t]));
    expect(byName['dense1/kernel'].shape).toEqual([3, 2]);
    expect(Array.from(byName['dense1/kernel'].data)).toEqual([0, 1, 2, 3, 4, 5].map((i) => i / 8 - 1));
    expect(Array.from(byName['dense1/bias'].data)).toEqual([0.5, -0.25]);
    expect(Array.from(byName['head/kernel'].data)).toEqual([-1, -0.875, -0.75, -0.625]);
    expect(Array.from(byName['head/bias'].data)).toEqual([0, 1]);
  });

  it('rejects corrupt files with the file name and the reason', () => {
    const good = writeSafetensors(tensors);
    const { length } = headerOf(good);
    const withLength = (n: bigint) => {
      const b = good.slice();
      new DataView(b.buffer).setBigUint64(0, n, true);
      return b;
    };
    const replaceHeader = (json: object) => {
      let text = JSON.stringify(json);
      text += ' '.repeat((8 - ((8 + text.length) % 8)) % 8);
      const h = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + h.length + 40);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      out.set(good.subarray(8 + length), 8 + h.length);
      return out;
    };
    const header = headerOf(good).json;
    const cases: Array<[Uint8Array, RegExp]> = [
      [good.subarray(0, 5), /too short/],
      [withLength(10n ** 12n), /header length .* larger than the file/],
      [good.subarray(0, good.length - 4), /truncated: the tensors need 40 bytes of data, the file has 36/],
      [replaceHeader({ ...header, 'head/kernel': { ...header['head/kernel'], dtype: 'F16' } }), /dtype "F16"; only F32/],
      [replaceHeader({ ...header, 'head/kernel': { ...header['head/kernel'], shape: [3, 1] } }), /needs 12 bytes but data_offsets span 8/],
      [
        replaceHeader({ ...header, 'dense1/bias': { ...header['dense1/bias'], data_offsets: [20, 28] } }),
        /starts at byte 20 of the data, expected 24/,
      ],
      [withLength(3n), /not valid UTF-8 JSON/],
    ];
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(8 + length + 8, NaN, true);
    cases.push([nan, /"dense1\/kernel" holds a non-finite value \(NaN\) at index 2/]);
    for (const [bytes, message] of cases) {
      expect(() => readSafetensors(bytes, 'lane.safetensors')).toThrow(message);
      expect(() => readSafetensors(bytes, 'lane.safetensors')).toThrow(/^lane\.safetensors: /);
    }
  });
});
