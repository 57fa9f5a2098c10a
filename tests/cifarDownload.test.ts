import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/engine/data/tar';
import { encodeCifarBatch } from '../src/engine/data/cifar';
import { parseManifest } from '../src/engine/data/shards';
import { runMain } from './helpers';

const SHARED = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'cifar10');

/** The archive in the official layout: from ../shared/data/cifar10 when present, else generated official-format batches. */
function officialLayoutArchive(): { archive: Uint8Array; train: number } {
  const fromShared = existsSync(path.join(SHARED, 'test_batch.bin'));
  const batch = (name: string, count: number, seed: number) => {
    if (fromShared) return new Uint8Array(readFileSync(path.join(SHARED, name)));
    const images = Uint8Array.from({ length: count * 3072 }, (_, i) => (i * seed) % 251);
    return encodeCifarBatch({ count, images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10) });
  };
  if (!fromShared) console.warn('cifarDownload.test: ../shared/data/cifar10 is absent; serving generated official-format batches');
  const members = [
    { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch('data_batch_1.bin', 200, 3) },
    { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch('test_batch.bin', 100, 7) },
  ];
  return { archive: gzipSync(writeTar(members), { level: 1 }), train: fromShared ? 10000 : 200 };
}

let server: Server;
let base = '';
let archive: Uint8Array;
let trainCount = 0;
let md5 = '';

beforeAll(async () => {
  ({ archive, train: trainCount } = officialLayoutArchive());
  md5 = createHash('md5').update(archive).digest('hex');
  server = createServer((req, res) => {
    if (req.url === '/cifar-10-binary.tar.gz') {
      res.writeHead(200, { 'content-length': archive.length, 'content-type': 'application/gzip' });
      res.end(Buffer.from(archive));
    } else if (req.url === '/truncated.tar.gz') {
      res.writeHead(200, { 'content-length': archive.length });
      res.write(Buffer.from(archive.subarray(0, archive.length >> 1)), () => res.destroy());
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function dataCifar(args: string[]) {
  return runMain((await import('../scripts/data-cifar')).main, args);
}

const freshFolder = () => mkdtempSync(path.join(os.tmpdir(), 'fmp-cifar-'));

describe('npm run data:cifar -- --download', () => {
  it('downloads, verifies the MD5 and converts the archive into verified shards', async () => {
    const out = freshFolder();
    const r = await dataCifar(['--download', '--url', `${base}/cifar-10-binary.tar.gz`, '--md5', md5, '--out', out]);
    expect(r.err).toMatch(/100% /);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(new RegExp(`cifar10: ${trainCount} train / \\d+ test`));
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(out, 'cifar10', 'manifest.json'), 'utf8')));
    expect(manifest.splits.train.count).toBe(trainCount);
    expect(manifest.source).toContain(`MD5 ${md5} verified`);
    expect(JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')).datasets.map((d: { id: string }) => d.id)).toEqual(['cifar10']);
    expect(readdirSync(out).sort()).toEqual(['cifar10', 'index.json']);
  });

  it('refuses a wrong checksum, a truncated download and a missing file with the reason, writing nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--url', `${base}/cifar-10-binary.tar.gz`, '--md5', 'f'.repeat(32)], new RegExp(`MD5 mismatch: expected f{32}, got ${md5}`)],
      [['--url', `${base}/truncated.tar.gz`, '--md5', md5], /truncated download: got \d+ of \d+ bytes|broke off after/],
      [['--url', `${base}/nothing-here.tar.gz`], /answered HTTP 404/],
      [['--url', 'http://127.0.0.1:1/x.tar.gz'], /cannot reach http:\/\/127\.0\.0\.1:1\/x\.tar\.gz/],
    ];
    for (const [args, message] of cases) {
      const out = freshFolder();
      const r = await dataCifar(['--download', ...args, '--out', out]);
      expect(r.status, r.err).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/at .*\.ts:\d+/);
      expect(readdirSync(out)).toEqual([]);
    }
    const usage = await dataCifar(['--download', '--md5', 'xyz']);
    expect(usage.status).toBe(2);
    expect(usage.err).toMatch(/--md5 must be 32 hexadecimal digits/);
    expect((await dataCifar([])).status).toBe(2);
  });
});
