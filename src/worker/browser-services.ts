import type { ByteCache } from '../engine/data/loader';
import type { DataServices } from './datasets';

const CACHE_NAME = 'flat-minima-data-v1';
const KEY_PREFIX = '/__flat-minima-cache__/';

/** Verified shards persist in the Cache API (available in pages and workers on secure origins). */
export class CacheApiByteCache implements ByteCache {
  private cache: Promise<Cache>;

  constructor(storage: CacheStorage) {
    this.cache = storage.open(CACHE_NAME);
  }

  private request(key: string): Request {
    return new Request(new URL(KEY_PREFIX + key.split('/').map(encodeURIComponent).join('/'), globalThis.location.origin).href);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const response = await (await this.cache).match(this.request(key));
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await (await this.cache).put(this.request(key), new Response(body, { headers: { 'content-type': 'application/octet-stream' } }));
  }

  async delete(key: string): Promise<void> {
    await (await this.cache).delete(this.request(key));
  }

  async keys(prefix: string): Promise<string[]> {
    const requests = await (await this.cache).keys();
    return requests
      .map((r) => new URL(r.url).pathname)
      .filter((p) => p.startsWith(KEY_PREFIX))
      .map((p) => p.slice(KEY_PREFIX.length).split('/').map(decodeURIComponent).join('/'))
      .filter((k) => k.startsWith(prefix));
  }
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
  return new Uint8Array(await response.arrayBuffer());
}

export function browserServices(): DataServices {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  return { fetchBytes, cache: storage ? new CacheApiByteCache(storage) : undefined };
}
