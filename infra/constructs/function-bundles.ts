/**
 * The stack's function bundles, built in one esbuild pass when the stack is created (see
 * infra/bundling.ts) under the cloud assembly directory (`cdk.out/bundles/`), where the next synth
 * finds them and rebuilds only if an input changed. Each function then takes its own directory as its
 * asset. When the synth skips bundling for this stack (context `aws:cdk:bundling-stacks`, as the CDK
 * CLI sets it, or `[]` in tests that only assert resources), each function gets a placeholder instead.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, bundleFunctions } from '../bundling';

export interface FunctionBundlesProps {
  /** Paths under functions/ without extension, e.g. "consent/capture-consent". */
  handlerPaths: readonly string[];
}

export class FunctionBundles extends Construct {
  /** The bundles of the stack `scope` is in. */
  static of(scope: Construct): FunctionBundles {
    const found = Stack.of(scope).node.tryFindChild(FunctionBundles.ID);
    if (!(found instanceof FunctionBundles))
      throw new Error(`No FunctionBundles in stack ${Stack.of(scope).stackName}: create one with id "${FunctionBundles.ID}"`);
    return found;
  }

  static readonly ID = 'FunctionBundles';

  /** False when this synth skips bundling: functions then get placeholder code. */
  readonly bundled: boolean;
  private readonly root: string;
  private readonly handlerPaths: ReadonlySet<string>;

  constructor(scope: Stack, props: FunctionBundlesProps) {
    super(scope, FunctionBundles.ID);
    this.handlerPaths = new Set(props.handlerPaths);
    this.bundled = scope.bundlingRequired;
    const stage = Stage.of(scope);
    if (!stage) throw new Error(`Stack ${scope.stackName} is in no App or Stage: its bundles have no output directory`);
    this.root = join(stage.outdir, 'bundles', scope.artifactId);
    if (this.bundled) bundleFunctions([...this.handlerPaths], join(this.root, 'functions'));
  }

  /**
   * The asset directory of a function: its bundle, plus `files` (name in the bundle → source path)
   * copied beside it, e.g. a database the function reads.
   */
  directoryFor(handlerPath: string, files: Record<string, string> = {}): string {
    if (!this.handlerPaths.has(handlerPath)) throw new Error(`${handlerPath} is not among the stack's function bundles`);
    const built = this.bundled ? join(this.root, 'functions', handlerPath) : this.placeholder(handlerPath);
    if (Object.keys(files).length === 0) return built;
    // A copy per set of files: the built directory stays exactly what the pass wrote.
    const spec = createHash('sha256')
      .update(JSON.stringify(Object.entries(files).sort()))
      .digest('hex')
      .slice(0, 12);
    const dir = join(this.root, 'with-files', `${handlerPath}-${spec}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of this.bundled ? [BUNDLE_FILE, `${BUNDLE_FILE}.map`] : [BUNDLE_FILE]) copyFileSync(join(built, file), join(dir, file));
    for (const [name, source] of Object.entries(files)) copyFileSync(source, join(dir, name));
    return dir;
  }

  private placeholder(handlerPath: string): string {
    const dir = join(this.root, 'placeholders', handlerPath);
    mkdirSync(dir, { recursive: true });
    const code = `exports.handler = () => { throw new Error(${JSON.stringify(`${handlerPath} was synthesised without bundling`)}); };\n`;
    writeFileSync(join(dir, BUNDLE_FILE), code);
    return dir;
  }
}
