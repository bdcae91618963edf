/**
 * Decompression as a stream, bounded. A compressed report is inflated only as fast as the parser
 * reads it, so neither the inflated XML nor the archive's output is ever held whole. A
 * decompression bomb is told by its ratio: real reports compress 3 to 70 times, a gzip bomb
 * about 1,000, so past the first MiB the output may not outgrow the input by more than the limit.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip, createInflateRaw, gunzipSync, inflateRawSync } from 'node:zlib';
import { DmarcParseError } from './types.js';

/** Below this much output the ratio is not checked: a small report of mostly whitespace is no bomb. */
export const RATIO_FLOOR = 1024 * 1024;
/** Compressed bytes in memory that inflate to at most this much are inflated in one call, ten times cheaper than a stream. */
const AT_ONCE = 4 * 1024 * 1024;

const ZLIB = {
  gzip: { stream: createGunzip, atOnce: gunzipSync },
  raw: { stream: createInflateRaw, atOnce: inflateRawSync },
};

const T = {
  bomb: {
    en: 'the report inflates to more than {max} times its compressed size (a decompression bomb)',
    ja: 'レポートが圧縮サイズの {max} 倍を超えて展開されます (展開爆弾)',
  },
};

export function bombError(maxRatio: number): DmarcParseError {
  return new DmarcParseError('DMARC_TOO_LARGE', T.bomb, { max: maxRatio });
}

export interface InflateBounds {
  maxRatio: number;
  /** Output past this many bytes is refused with `tooLarge()`. */
  maxBytes: number;
  tooLarge: () => DmarcParseError;
  /** The error for data zlib cannot read. */
  unreadable: (why: string) => DmarcParseError;
}

function isTooLarge(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
}

/** The whole output of a small input, or null when it would pass AT_ONCE and has to be streamed. */
function inflateAtOnce(compressed: Buffer, format: keyof typeof ZLIB, bounds: InflateBounds): Buffer | null {
  try {
    // zlib stops as soon as the output would pass the cap, so a bomb never allocates more than that.
    return ZLIB[format].atOnce(compressed, { maxOutputLength: Math.min(AT_ONCE, bounds.maxBytes) });
  } catch (err) {
    if (!isTooLarge(err)) throw bounds.unreadable((err as Error).message);
    if (bounds.maxBytes <= AT_ONCE) throw bounds.tooLarge();
    return null;
  }
}

/** `compressed` inflated (gzip, or raw deflate as in ZIP), yielded chunk by chunk as it is read. */
export async function* inflateBounded(
  compressed: Buffer | AsyncIterable<Uint8Array>,
  format: keyof typeof ZLIB,
  bounds: InflateBounds,
): AsyncGenerator<Buffer> {
  const whole = Buffer.isBuffer(compressed) ? inflateAtOnce(compressed, format, bounds) : null;
  if (whole && Buffer.isBuffer(compressed)) {
    if (whole.length > RATIO_FLOOR && whole.length > bounds.maxRatio * compressed.length) throw bombError(bounds.maxRatio);
    yield whole;
    return;
  }
  const zlib = ZLIB[format].stream();
  const source = Buffer.isBuffer(compressed) ? Readable.from([compressed]) : Readable.from(compressed);
  // pipeline() destroys the source as well when the reader stops early (an error in the report).
  const out = pipeline(source, zlib, () => undefined);
  let total = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > bounds.maxBytes) throw bounds.tooLarge();
      // bytesWritten counts the compressed bytes zlib has consumed so far.
      if (total > RATIO_FLOOR && total > bounds.maxRatio * Math.max(1, zlib.bytesWritten)) throw bombError(bounds.maxRatio);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof DmarcParseError) throw err;
    throw bounds.unreadable((err as Error).message);
  } finally {
    out.destroy();
  }
}
