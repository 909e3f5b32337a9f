/**
 * Local mode only: saves what the emulator holds for this system (every table's items and every
 * bucket's objects) to one JSON file when `npm start -- --persist` stops, and loads it into the fresh
 * emulator at the next start, so a demo survives a restart. moto itself can only record and replay
 * requests, not save its state. Queue messages are not kept: deadline chains that went quiet are
 * restarted by the sweep, as they would be in AWS after a lost message. The report counters are not
 * kept either: the restored tables' streams build them again.
 */
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUCKETS, TABLES } from '../../shared/resources';

type Item = Record<string, AttributeValue>;
interface StoredObject {
  key: string;
  contentType?: string;
  base64: string;
}
export interface Snapshot {
  format: 'shop-privacy-local-snapshot/1';
  savedAt: string;
  /** Items by table id (`Consents`, ...): the same ids whatever the instance's name prefix. */
  tables: Record<string, Item[]>;
  /** Objects by bucket id (`InboundMail`, ...). */
  buckets: Record<string, StoredObject[]>;
}

/** Binary attributes (B, BS) as base64 in JSON, and back. */
const toJson = (_key: string, value: unknown) => (value instanceof Uint8Array ? { $base64: Buffer.from(value).toString('base64') } : value);
const fromJson = (_key: string, value: unknown) =>
  value && typeof value === 'object' && '$base64' in value ? new Uint8Array(Buffer.from(String((value as { $base64: string }).$base64), 'base64')) : value;

const tableNameOf = (id: string) => {
  const def = Object.values(TABLES).find((t) => t.id === id);
  return def ? process.env[def.envVar] : undefined;
};
const bucketNameOf = (id: string) => {
  const def = Object.values(BUCKETS).find((b) => b.id === id);
  return def ? process.env[def.envVar] : undefined;
};

/** Reads every item and object of this system's resources (named in the environment) from the emulator. */
export async function takeSnapshot(db = new DynamoDBClient({}), s3 = new S3Client({ forcePathStyle: true })): Promise<Snapshot> {
  const snapshot: Snapshot = { format: 'shop-privacy-local-snapshot/1', savedAt: new Date().toISOString(), tables: {}, buckets: {} };
  for (const def of Object.values(TABLES)) {
    // Not kept: the restored visits, consents and requests stream into fresh tables and rebuild the
    // report counters; restoring those too would count every restored record twice.
    if (def.id === TABLES.reports.id) continue;
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tableNameOf(def.id), ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    snapshot.tables[def.id] = items;
  }
  for (const def of Object.values(BUCKETS)) {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucketNameOf(def.id), ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        if (!Key) continue;
        const object = await s3.send(new GetObjectCommand({ Bucket: bucketNameOf(def.id), Key }));
        const bytes = await object.Body?.transformToByteArray();
        objects.push({ key: Key, ...(object.ContentType ? { contentType: object.ContentType } : {}), base64: Buffer.from(bytes ?? []).toString('base64') });
      }
      token = page.NextContinuationToken;
    } while (token);
    snapshot.buckets[def.id] = objects;
  }
  return snapshot;
}

/** Writes a snapshot whole and renames it into place, so a crash mid-write never leaves half a file. */
export function writeSnapshot(file: string, snapshot: Snapshot) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshot, toJson));
  renameSync(`${file}.tmp`, file);
}

export function readSnapshot(file: string): Snapshot | undefined {
  if (!existsSync(file)) return undefined;
  const snapshot = JSON.parse(readFileSync(file, 'utf8'), fromJson) as Snapshot;
  if (snapshot.format !== 'shop-privacy-local-snapshot/1') throw new Error(`${file} is not a local snapshot this version can read`);
  return snapshot;
}

/** Puts a snapshot's items and objects into this system's (fresh) tables and buckets; returns the counts. */
export async function restoreSnapshot(snapshot: Snapshot, db = new DynamoDBClient({}), s3 = new S3Client({ forcePathStyle: true })) {
  let items = 0;
  let objects = 0;
  for (const [id, list] of Object.entries(snapshot.tables)) {
    const table = tableNameOf(id);
    if (!table) continue; // a table this version no longer has
    for (let i = 0; i < list.length; i += 25) {
      let pending: Item[] = list.slice(i, i + 25);
      while (pending.length) {
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
        pending = (out.UnprocessedItems?.[table] ?? []).flatMap((w) => (w.PutRequest?.Item ? [w.PutRequest.Item] : []));
      }
    }
    items += list.length;
  }
  for (const [id, list] of Object.entries(snapshot.buckets)) {
    const bucket = bucketNameOf(id);
    if (!bucket) continue;
    for (const object of list) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: Buffer.from(object.base64, 'base64'),
          ...(object.contentType ? { ContentType: object.contentType } : {}),
        }),
      );
    }
    objects += list.length;
  }
  return { items, objects };
}
