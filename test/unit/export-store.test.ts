import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3Exports } from '../../shared/adapters/export-store';
import { BUCKETS } from '../../shared/resources';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

describe('S3Exports', () => {
  it('stores a request\u2019s export under the bucket\u2019s export prefix, encrypted, and returns the key the link names', async () => {
    s3.on(PutObjectCommand).resolves({});
    const key = await new S3Exports('exports-bucket', new S3Client({})).put('REQ-2026-0001', { member: { id: 'm-1' } });
    expect(key).toBe(`${BUCKETS.exports.keyPrefix}REQ-2026-0001.json`);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'exports-bucket',
      Key: key,
      ServerSideEncryption: 'AES256',
      ContentDisposition: 'attachment; filename="REQ-2026-0001.json"',
    });
  });
});
