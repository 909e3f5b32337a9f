/** The storefront kit's weight as browsers download it: minified bytes, and gzipped bytes (level 9). */
import { gzipSync } from 'node:zlib';
import { KIT_JS } from '../../shared/storefront/kit-bundle';

export function kitSize(): { minified: number; gzipped: number } {
  const bytes = Buffer.from(KIT_JS, 'utf8');
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}
