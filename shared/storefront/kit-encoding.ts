/**
 * The kit as browsers download it: brotli at its best quality, compressed by the kit's function once
 * per container (CloudFront keeps one copy per encoding), so the bytes a browser receives do not
 * depend on the level CloudFront would compress at. The bench's cost model prices these bytes.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { SHORT_PUBLIC_CACHE } from '../http/cache-control';

/**
 * Headers of the kit's answer (and the privacy center's, served alike): a JavaScript MIME type and a
 * cross-origin resource policy that lets any storefront page load it; its encoding varies.
 */
export const KIT_HEADERS = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': SHORT_PUBLIC_CACHE,
  'cross-origin-resource-policy': 'cross-origin',
  vary: 'accept-encoding',
};

export function brotliOf(code: string): Buffer {
  const bytes = Buffer.from(code, 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** Whether an Accept-Encoding header allows brotli (`br`, not refused with q=0). */
export function acceptsBrotli(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding?.trim() !== 'br') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
