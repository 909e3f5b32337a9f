/**
 * Points the AWS SDK at the emulator and creates the stack's resources there from the same
 * definitions the CDK stack uses (shared/resources.ts).
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDef } from '../../shared/resources';

/** Dummy credentials and a region: the emulator accepts anything, the SDK insists on something. */
export function useEmulator(endpoint: string) {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

function attributeDefinitions(def: TableDef): AttributeDefinition[] {
  const keys = [def.partitionKey, def.sortKey, ...(def.indexes ?? []).flatMap((ix) => [ix.partitionKey, ix.sortKey])];
  const unique = new Map<string, AttributeDefinition>();
  for (const k of keys) if (k) unique.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  return [...unique.values()];
}

/** Creates every table (idempotent) named `<prefix>-<id>` and sets the env var handlers read. */
export async function createTables(prefix: string, client = new DynamoDBClient({})): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const def of Object.values(TABLES) as TableDef[]) {
    const name = `${prefix}-${def.id}`;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(def),
          KeySchema: [
            { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
            ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
          ...(def.indexes?.length
            ? {
                GlobalSecondaryIndexes: def.indexes.map((ix) => ({
                  IndexName: ix.name,
                  KeySchema: [
                    { AttributeName: ix.partitionKey.name, KeyType: 'HASH' as const },
                    ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
      if (def.ttlAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    names[def.envVar] = name;
    process.env[def.envVar] = name;
  }
  return names;
}
