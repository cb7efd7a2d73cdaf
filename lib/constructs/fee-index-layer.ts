import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, type ILayerVersion, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULT_INDEX_FILE } from '../../fee-data/paths.js';
import { LAMBDA_FEE_INDEX_PATH } from '../../lambdas/handlers/shared/routes.js';
import { REPO_ROOT } from '../repo-root.js';
import { LAMBDA_RUNTIME } from './node-function.js';

/**
 * Where `npm run build:index` writes the index the layer ships (not committed):
 * `layers/fee-index/fee-index/fee-index.bin`, the same file the local stack reads.
 */
export const DEFAULT_FEE_INDEX_FILE = DEFAULT_INDEX_FILE;

/**
 * Path of the index inside the layer archive. Lambda extracts layers into /opt, so the archive
 * holds `fee-index/fee-index.bin` and the function finds the file at LAMBDA_FEE_INDEX_PATH,
 * `/opt/fee-index/fee-index.bin`.
 */
export const FEE_INDEX_PATH_IN_LAYER = relative('/opt', LAMBDA_FEE_INDEX_PATH);

/** The fee index file is not where the layer expects it. */
export class FeeIndexMissingError extends Error {
  override readonly name = 'FeeIndexMissingError';
}

/** Properties of {@link FeeIndexLayer}. */
export interface FeeIndexLayerProps {
  /**
   * The built binary index (any file name and directory; it is staged as `fee-index/fee-index.bin`).
   *
   * @default DEFAULT_FEE_INDEX_FILE (`layers/fee-index/fee-index/fee-index.bin`)
   */
  readonly indexFile?: string;
}

/**
 * The compacted binary fee index as a Lambda layer, mounted at `/opt/fee-index/fee-index.bin`.
 *
 * Lambda extracts a layer's archive into /opt, so the archive must hold `fee-index/fee-index.bin`.
 * A local bundling step stages exactly that one file from wherever the index was built (by default
 * `layers/fee-index/fee-index/fee-index.bin`), so nothing else in that directory reaches the layer and
 * a test can pass any file. No Docker is involved: local bundling always succeeds, and the image
 * named below would only be used if it did not.
 */
export class FeeIndexLayer extends Construct {
  /** The layer version; attach it to the functions whose routes read the index. */
  public readonly layer: ILayerVersion;
  /** SHA-256 of the index file that the layer ships, also in the layer's description. */
  public readonly sha256: string;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - where the index is
   * @throws FeeIndexMissingError when the index file does not exist
   */
  public constructor(scope: Construct, id: string, props: FeeIndexLayerProps = {}) {
    super(scope, id);
    const indexFile = props.indexFile ?? DEFAULT_FEE_INDEX_FILE;
    if (!existsSync(indexFile)) {
      throw new FeeIndexMissingError(
        `Fee index not found at ${relative(REPO_ROOT, indexFile) || indexFile}. Build it before synth with "npm run build:index" (it writes ${relative(REPO_ROOT, DEFAULT_FEE_INDEX_FILE)}), or pass another file with -c feeIndexFile=PATH.`,
      );
    }
    this.sha256 = createHash('sha256').update(readFileSync(indexFile)).digest('hex');

    this.layer = new LayerVersion(this, 'Resource', {
      description: `Fee schedule index at ${LAMBDA_FEE_INDEX_PATH} (sha256 ${this.sha256})`,
      compatibleRuntimes: [LAMBDA_RUNTIME],
      // Data only: the same archive serves both architectures.
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
      code: Code.fromAsset(dirname(indexFile), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: this.sha256,
        bundling: {
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
          command: [
            'sh',
            '-c',
            `mkdir -p /asset-output/${dirname(FEE_INDEX_PATH_IN_LAYER)} && cp /asset-input/${basename(indexFile)} /asset-output/${FEE_INDEX_PATH_IN_LAYER}`,
          ],
          local: {
            tryBundle(outputDir: string): boolean {
              const target = join(outputDir, FEE_INDEX_PATH_IN_LAYER);
              mkdirSync(dirname(target), { recursive: true });
              copyFileSync(indexFile, target);
              return true;
            },
          },
        },
      }),
    });
  }
}
