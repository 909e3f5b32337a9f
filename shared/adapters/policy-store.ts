/**
 * Policies table: pk = "POLICY", sk = version. Few items, read whole and cached for a minute per
 * container, because every storefront page asks for the current version.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import { samePolicy, type PolicyVersion } from '../domain/policy';
import type { PolicyStore, SaveOutcome } from '../domain/ports';
import { isConditionFailure, queryAll } from './dynamodb';

const PK = 'POLICY';

export class DynamoPolicyStore implements PolicyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<PolicyVersion[]> {
    const items = await queryAll<PolicyVersion & { pk: string; sk: string }>(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PK },
    });
    return items.map(({ pk: _pk, sk: _sk, ...v }) => v as PolicyVersion);
  }

  async publish(version: PolicyVersion): Promise<SaveOutcome> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: PK, sk: version.version, ...version },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: PK, sk: version.version }, ConsistentRead: true }));
      if (Item && samePolicy(Item as PolicyVersion, version)) return 'duplicate';
      throw new ConflictError('policy_version_exists', `Policy version "${version.version}" already exists with different content`);
    }
  }
}

/** Adds the stage baseline and caches the list for `ttlMs`; published versions win over the baseline. */
export function cachedPolicies(store: PolicyStore, baseline: PolicyVersion, ttlMs = 60_000, now = () => Date.now()) {
  let cache: { at: number; versions: PolicyVersion[] } | undefined;
  return {
    async all(): Promise<PolicyVersion[]> {
      if (!cache || now() - cache.at > ttlMs) {
        const published = await store.list();
        const versions = published.some((v) => v.version === baseline.version) ? published : [baseline, ...published];
        cache = { at: now(), versions };
      }
      return cache.versions;
    },
    invalidate() {
      cache = undefined;
    },
  };
}
export type PolicyCatalogue = ReturnType<typeof cachedPolicies>;
