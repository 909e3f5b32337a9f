/**
 * Access-request exports in S3. The mailed link points at this API (a signed token, valid for days),
 * which then redirects to a presigned S3 URL valid for minutes: presigned URLs made with a Lambda
 * role's temporary credentials die with those credentials, far sooner than a week.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportStore } from '../domain/ports';
import { BUCKETS } from '../resources';

export const DOWNLOAD_URL_SECONDS = 300;

export class S3Exports implements ExportStore {
  constructor(
    private readonly bucket: string,
    private readonly client = new S3Client({}),
  ) {}

  /** One file per request under the bucket's prefix (the prefix its grants and lifecycle name). */
  async put(requestId: string, document: unknown): Promise<string> {
    const key = `${BUCKETS.exports.keyPrefix}${requestId}.json`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(document, null, 2),
        ContentType: 'application/json; charset=utf-8',
        ContentDisposition: `attachment; filename="${key.split('/').pop()}"`,
        ServerSideEncryption: 'AES256',
      }),
    );
    return key;
  }

  downloadUrl(key: string): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: DOWNLOAD_URL_SECONDS });
  }
}
