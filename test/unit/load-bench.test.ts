import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compareLoads, floorSource, type LoadSample, sdkImportsOf } from '../../scripts/lib/load-bench';

/** A metafile of one output whose project files import `imports` and which keeps `kept` bytes per package file. */
function metafileOf(imports: Record<string, string[]>, kept: Record<string, number>): Metafile {
  const inputs: Metafile['inputs'] = {};
  for (const [file, originals] of Object.entries(imports)) {
    inputs[file] = { bytes: 100, imports: originals.map((original) => ({ path: `node_modules/${original}/index.js`, kind: 'import-statement', original })) };
  }
  const outputInputs = Object.fromEntries(Object.entries(kept).map(([file, bytesInOutput]) => [file, { bytesInOutput }]));
  return { inputs, outputs: { 'out.js': { bytes: 1, inputs: outputInputs, imports: [], exports: [], entryPoint: 'x.ts' } } };
}

describe('sdkImportsOf', () => {
  it('counts the SDK packages the project imports whose code is in the bundle, not those shaken out or pulled in by other packages', () => {
    const metafile = metafileOf(
      {
        'shared/adapters/mail.ts': ['@aws-sdk/client-sesv2', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'],
        'shared/adapters/dynamodb.ts': ['@aws-sdk/lib-dynamodb', '@aws-sdk/client-dynamodb', 'zod/mini'],
        'node_modules/@aws-sdk/credential-provider-node/index.js': ['@aws-sdk/client-sso'],
      },
      {
        'node_modules/@aws-sdk/client-sesv2/dist-cjs/index.js': 110_000,
        'node_modules/@aws-sdk/client-s3/dist-cjs/index.js': 40,
        'node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js': 17_000,
        'node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js': 90_000,
        'node_modules/@aws-sdk/client-sso/dist-cjs/index.js': 20_000,
      },
    );
    expect(sdkImportsOf(metafile)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sesv2', '@aws-sdk/lib-dynamodb']);
  });
});

describe('floorSource', () => {
  it('constructs each client the function imports, the DynamoDB one wrapped as a document client', async () => {
    const floor = await floorSource(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sesv2', '@aws-sdk/lib-dynamodb'], 'worker', '/repo/.bench');
    expect(floor.description).toBe('DynamoDBDocumentClient + SESv2Client');
    expect(floor.source).toContain('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
    expect(floor.source).toContain('new SESv2Client({})');
  });

  it('gives a route without an SDK client the smallest route of the project as its floor, and a worker a bare handler', async () => {
    const route = await floorSource([], 'route', '/repo/.bench');
    expect(route.description).toBe('route layer, no SDK');
    expect(route.source).toMatch(/import \{ route \} from '.*shared\/http\/route'/);
    expect((await floorSource([], 'worker', '/repo/.bench')).description).toBe('bare handler');
  });
});

describe('compareLoads', () => {
  it('loads bundle and floor in every round, alternating which goes first, and takes the median of per-round CPU ratios', () => {
    const order: string[] = [];
    // Each round is slower than the last (a machine growing busier): per-round ratios stay 2.
    const load = (file: string): LoadSample => {
      order.push(file);
      const round = Math.floor((order.length - 1) / 2);
      const cpuMs = (file === 'bundle' ? 20 : 10) * (round + 1);
      return { cpuMs, wallMs: cpuMs * 3 };
    };
    const result = compareLoads('bundle', 'floor', 4, load);
    expect(order).toEqual(['bundle', 'floor', 'floor', 'bundle', 'bundle', 'floor', 'floor', 'bundle']);
    expect(result.cpuRatio).toBe(2);
    expect(result.bundle).toEqual({ cpuMs: 50, wallMs: 150 });
    expect(result.floor).toEqual({ cpuMs: 25, wallMs: 75 });
  });
});
