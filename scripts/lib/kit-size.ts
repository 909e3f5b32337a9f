/** The storefront kit's weight: minified bytes, gzipped bytes (level 9), and brotli bytes as its function serves them to browsers. */
import { gzipSync } from 'node:zlib';
import { KIT_JS } from '../../shared/storefront/kit-bundle';
import { brotliOf } from '../../shared/storefront/kit-encoding';

export function kitSize(): { minified: number; gzipped: number; brotli: number } {
  const bytes = Buffer.from(KIT_JS, 'utf8');
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length, brotli: brotliOf(KIT_JS).length };
}
