import { createHash } from 'node:crypto';

/** A download that failed or did not verify; nothing of it is kept. */
export class DownloadError extends Error {}

const MB = 1e6;

function progressLine(done: number, total: number | null, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  const rate = done / Math.max(seconds, 1e-3);
  if (total === null) return `${(done / MB).toFixed(1)} MB · ${(rate / MB).toFixed(1)} MB/s`;
  const fraction = Math.min(1, done / total);
  const width = 30;
  const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
  const eta = rate > 0 ? Math.max(0, (total - done) / rate) : Infinity;
  return (
    `[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${(done / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB · ` +
    `${(rate / MB).toFixed(1)} MB/s · ${Number.isFinite(eta) ? `${eta.toFixed(0)} s left` : '…'}`
  );
}

/**
 * Fetches `url` into memory with a progress bar on `progress` (a terminal gets one line redrawn,
 * anything else a line every 10%), and returns the bytes only if they are complete (as many as
 * Content-Length announced) and their MD5 is `md5`; otherwise throws with the reason.
 */
export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

export async function download(url: string, md5: string, progress: ProgressSink): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new DownloadError(`cannot reach ${url} (${cause}); check the network, or download the file by hand and give its path`);
  }
  if (!response.ok || !response.body) throw new DownloadError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  const announced = response.headers.get('content-length');
  const total = announced !== null && /^\d+$/.test(announced) ? Number(announced) : null;
  const hash = createHash('md5');
  const parts: Uint8Array[] = [];
  let done = 0;
  let lastTenth = -1;
  const started = performance.now();
  let lastDraw = 0;
  const draw = (final = false) => {
    const now = performance.now();
    if (progress.isTTY) {
      if (final || now - lastDraw > 200) progress.write(`\r${progressLine(done, total, started)}${final ? '\n' : ''}`);
    } else {
      const tenth = total ? Math.floor((10 * done) / total) : Math.floor(done / (20 * MB));
      if (final || tenth > lastTenth) progress.write(`${progressLine(done, total, started)}\n`);
      lastTenth = tenth;
    }
    lastDraw = now;
  };
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parts.push(chunk);
      hash.update(chunk);
      done += chunk.length;
      draw();
    }
  } catch (error) {
    draw(true);
    throw new DownloadError(
      `the download broke off after ${(done / MB).toFixed(1)} MB${total ? ` of ${(total / MB).toFixed(1)}` : ''} ` +
        `(${error instanceof Error ? error.message : String(error)}); nothing was kept, run the command again`,
    );
  }
  draw(true);
  if (total !== null && done !== total) {
    throw new DownloadError(`truncated download: got ${done} of ${total} bytes; nothing was kept, run the command again`);
  }
  const got = hash.digest('hex');
  if (got !== md5) {
    throw new DownloadError(
      `MD5 mismatch: expected ${md5}, got ${got} (${done} bytes); the file is not the official archive or was damaged ` +
        'on the way, nothing was kept',
    );
  }
  const bytes = new Uint8Array(done);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
