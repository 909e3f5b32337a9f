/**
 * The module-load part of `npm run bench`: a function's deployed bundle beside its *floor*, the
 * smallest bundle that imports and constructs the same AWS SDK clients, so the difference is what the
 * function's own code and libraries cost at a cold start.
 *
 * Measured so that a figure cannot mislead on a shared, busy machine:
 * - the floor is built from what the function's bundle really imports (esbuild's metafile: the
 *   `@aws-sdk/*` packages the project's own files import), not from what the route declares;
 * - a function without an SDK client gets the smallest function of its kind as its floor (for a
 *   route, one that answers through the project's HTTP layer; for a worker, a bare handler), so its
 *   ratio says what it adds over any other function of its kind rather than over an empty file;
 * - bundle and floor are loaded in the same rounds, alternating which goes first, each in a fresh
 *   Node process, and the ratio is the median of the per-round ratios: a burst of load from other
 *   work falls on both sides of a round alike;
 * - CPU time (user + system of the loading process) is reported beside wall time: wall time also
 *   counts the time the process waited for a core, CPU time does not.
 */
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUNDLING } from '../../infra/bundling';
import { REPO_ROOT } from '../../infra/stage-config';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Bundles one entry with the deployed settings; answers its size and esbuild's metafile. */
export async function bundle(entry: string, outfile: string): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    ...BUNDLING,
    external: [...BUNDLING.external],
    absWorkingDir: REPO_ROOT,
    // The Node running the bench loads the bundle: syntax newer than it must be lowered.
    target: `node${process.versions.node.split('.')[0]}`,
    // The size and load time of the code alone (deployed bundles keep their map in a separate file).
    sourcemap: false,
    entryPoints: [entry],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: statSync(outfile).size, metafile: result.metafile };
}

/**
 * The `@aws-sdk/*` packages that the project's own files in a bundle import and whose code is in the
 * output, sorted. A file can import a client that the bundle then shakes out (mail.ts imports the S3
 * client for the mail reader, which a function that only sends never uses): that one does not count.
 */
export function sdkImportsOf(metafile: Metafile): string[] {
  const imported = new Set<string>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (file.includes('node_modules/')) continue;
    for (const { original } of input.imports) {
      const name = original?.match(/^@aws-sdk\/[^/]+/)?.[0];
      if (name) imported.add(name);
    }
  }
  const outputInputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  const bytesOf = (pkg: string) =>
    outputInputs.filter(([file]) => file.includes(`node_modules/${pkg}/`)).reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
  return [...imported].filter((pkg) => bytesOf(pkg) >= MIN_PACKAGE_BYTES).sort();
}

/** Less than this of a package in the output is the shell of a shaken-out import, not the package. */
const MIN_PACKAGE_BYTES = 1024;

/** The client class a `@aws-sdk/client-*` package exports (`S3Client`, `SESv2Client`, ...). */
async function clientClassOf(pkg: string): Promise<string> {
  const names = Object.keys(await import(pkg)).filter((name) => /^[A-Z]\w*Client$/.test(name));
  if (names.length !== 1) throw new Error(`Cannot tell the client class of ${pkg}: ${names.join(', ') || 'none'}`);
  return names[0]!;
}

export type FunctionKind = 'route' | 'worker';

/**
 * The source of a function's floor and a short description of it. Every SDK client package the
 * function imports is imported and its client constructed; lib-dynamodb wraps the DynamoDB client as
 * the function's stores do. Other SDK packages (the presigner) count as the function's own code.
 */
export async function floorSource(sdkImports: string[], kind: FunctionKind, floorDir: string): Promise<{ source: string; description: string }> {
  const lines: string[] = [];
  const described: string[] = [];
  const clients = sdkImports.filter((pkg) => pkg.startsWith('@aws-sdk/client-'));
  for (const [i, pkg] of clients.entries()) {
    const name = await clientClassOf(pkg);
    lines.push(`import { ${name} } from '${pkg}';`);
    if (pkg === '@aws-sdk/client-dynamodb' && sdkImports.includes('@aws-sdk/lib-dynamodb')) {
      lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';", `export const c${i} = DynamoDBDocumentClient.from(new ${name}({}));`);
      described.push('DynamoDBDocumentClient');
    } else {
      lines.push(`export const c${i} = new ${name}({});`);
      described.push(name);
    }
  }
  if (clients.length === 0 && kind === 'route') {
    const from = (path: string) => relative(floorDir, join(REPO_ROOT, path)).replace(/\\/g, '/');
    lines.push(
      `import { ok } from '${from('shared/http/responses')}';`,
      `import { route } from '${from('shared/http/route')}';`,
      'export const handler = route().handler(async () => ok({}));',
    );
    return { source: lines.join('\n'), description: 'route layer, no SDK' };
  }
  lines.push('export const handler = async () => ({ statusCode: 200, body: "{}" });');
  return { source: lines.join('\n'), description: described.join(' + ') || 'bare handler' };
}

/** Writes a function's floor beside its bundle and bundles it. */
export async function buildFloor(sdkImports: string[], kind: FunctionKind, dir: string, id: string) {
  const { source, description } = await floorSource(sdkImports, kind, dir);
  const entry = join(dir, `${id}.floor-src.ts`);
  writeFileSync(entry, source);
  const { bytes } = await bundle(entry, join(dir, `${id}.floor.js`));
  return { entry, file: join(dir, `${id}.floor.js`), bytes, description };
}

export interface LoadSample {
  wallMs: number;
  cpuMs: number;
}

const LOAD_SCRIPT = (file: string) =>
  `const w=process.hrtime.bigint();const c=process.cpuUsage();require(${JSON.stringify(file)});const u=process.cpuUsage(c);` +
  `process.stdout.write(JSON.stringify({wallMs:Number(process.hrtime.bigint()-w)/1e6,cpuMs:(u.user+u.system)/1e3}))`;

/** `require` of one bundle in a new Node process (a cold start's module phase): wall and CPU time. */
export function loadOnce(file: string): LoadSample {
  const env = { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', NODE_NO_WARNINGS: '1' };
  return JSON.parse(execFileSync(process.execPath, ['-e', LOAD_SCRIPT(file)], { env }).toString()) as LoadSample;
}

export interface LoadComparison {
  bundle: LoadSample;
  floor: LoadSample;
  /** Median over rounds of bundle CPU / floor CPU within the round. */
  cpuRatio: number;
  rounds: number;
}

/** Loads bundle and floor in the same rounds (alternating which goes first); medians per side. */
export function compareLoads(bundleFile: string, floorFile: string, rounds: number, load: (file: string) => LoadSample = loadOnce): LoadComparison {
  const ours: LoadSample[] = [];
  const floors: LoadSample[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      ours.push(load(bundleFile));
      floors.push(load(floorFile));
    } else {
      floors.push(load(floorFile));
      ours.push(load(bundleFile));
    }
  }
  const side = (samples: LoadSample[]) => ({ wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)) });
  return { bundle: side(ours), floor: side(floors), cpuRatio: median(ours.map((s, i) => s.cpuMs / floors[i]!.cpuMs)), rounds };
}
