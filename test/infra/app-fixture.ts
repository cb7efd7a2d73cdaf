import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import { REPO_ROOT } from '../../lib/repo-root.js';
import { addStage, type RegionalStacks } from '../../lib/stages/stage.js';
import { type StageConfig, stageConfigFromContext } from '../../lib/stages/stage-config.js';

/** The context of cdk.json: feature flags and stages, as `cdk synth` sees them. */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'),
).context;

/**
 * The SmartBill public key the synth tests configure (cdk.json has none: each deployment makes its
 * own pair with `wcbr smartbill keys`). Its private part is discarded.
 */
export const TEST_SMARTBILL_PUBLIC_KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

/** A synthesized app, built exactly as bin/app.ts builds it, in a temporary directory. */
export interface SynthesizedApp {
  readonly app: App;
  readonly config: StageConfig;
  readonly stacks: readonly RegionalStacks[];
  readonly assembly: CloudAssembly;
  /** The nag packs, when requested. */
  readonly packs: readonly NagPack[];
  /** Removes the temporary directory. */
  cleanup(): void;
}

/** Options of {@link synthApp}. */
export interface SynthOptions {
  /** Fields that replace those of the `dev` stage of cdk.json. */
  readonly stage?: Readonly<Record<string, unknown>>;
  /** Register AwsSolutions and HIPAA Security as validation plugins (as bin/app.ts does). */
  readonly nag?: boolean;
}

/**
 * Builds and synthesizes the app with cdk.json's context, the `dev` stage (optionally changed) and a
 * stand-in fee index file, bundling the handlers with the local esbuild. No network, no credentials.
 *
 * @param options - stage overrides and nag
 * @returns the app, its stacks and assembly
 */
export function synthApp(options: SynthOptions = {}): SynthesizedApp {
  const dir = mkdtempSync(join(tmpdir(), 'wcbr-infra-'));
  const feeIndexFile = join(dir, 'fee-index.bin');
  writeFileSync(feeIndexFile, 'stand-in fee index for synth tests');
  const stages = CDK_JSON_CONTEXT.stages as Record<string, Record<string, unknown>>;
  const app = new App({
    outdir: join(dir, 'cdk.out'),
    context: {
      ...CDK_JSON_CONTEXT,
      stage: 'dev',
      stages: {
        ...stages,
        dev: {
          ...stages.dev,
          smartBill: { ...(stages.dev?.smartBill as object), publicKeyPem: TEST_SMARTBILL_PUBLIC_KEY_PEM },
          ...options.stage,
        },
      },
    },
  });
  const config = stageConfigFromContext(app.node);
  const stacks = addStage(app, config, { feeIndexFile });
  const packs = options.nag ? [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app)] : [];
  if (packs.length > 0) Validations.of(app).addPlugins(...packs);
  const assembly = app.synth();
  return {
    app,
    config,
    stacks,
    assembly,
    packs,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The stacks of one region.
 *
 * @param synthesized - the app
 * @param index - region position in the stage (0 is the home region)
 * @returns the stacks
 */
export function regionStacks(synthesized: SynthesizedApp, index: number): RegionalStacks {
  const stacks = synthesized.stacks[index];
  if (stacks === undefined) throw new Error(`no region at index ${index}`);
  return stacks;
}
