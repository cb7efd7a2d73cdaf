import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STATE_DIR } from '../lambdas/local/paths.js';
import { REPO_ROOT } from '../lib/repo-root.js';
import {
  type StageConfig,
  StageConfigError,
  smartBillPublicKeyFile,
  stageConfigNamed,
} from '../lib/stages/stage-config.js';

const USAGE = 'usage: wcbr smartbill keys --stage NAME [--out DIR] [--config-root DIR]\n';

/**
 * `wcbr smartbill keys --stage NAME [--out DIR]`: makes the CloudFront signing key pair of a stage
 * (RSA 2048, what CloudFront requires) and says where each part goes: the public part into
 * `stages.NAME.smartBill.publicKeyPem` of cdk.json (it is public: commit it), the private part into
 * the stage's Secrets Manager secret in every region. The private key is written to a 0600 file in
 * a 0700 directory outside the repository's tracked files and is never printed; delete the file
 * once it is stored.
 *
 * @param args - the arguments after `smartbill keys`
 * @returns the exit code (2: wrong usage, or a stage that is unknown or misconfigured)
 */
export function smartbillKeysCommand(args: string[]): number {
  let values: { stage?: string | undefined; out?: string | undefined; 'config-root'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { stage: { type: 'string' }, out: { type: 'string' }, 'config-root': { type: 'string' } },
    }));
  } catch (error) {
    process.stderr.write(`wcbr smartbill keys: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.stage === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  let config: StageConfig;
  try {
    const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      context?: { stages?: unknown };
    };
    config = stageConfigNamed(cdkJson.context?.stages, values.stage);
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw error;
    process.stderr.write(`wcbr smartbill keys: ${error.message}\n`);
    return 2;
  }
  const dir = values.out ?? path.join(DEFAULT_STATE_DIR, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateFile = path.resolve(dir, `smartbill-${config.name}-private.pem`);
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), {
    mode: 0o600,
    flag: 'wx',
  });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // The public part goes where synth reads it (stage-config.ts), so deploying needs no hand edit;
  // it is not secret and may be committed.
  const publicFile = smartBillPublicKeyFile(values['config-root'] ?? REPO_ROOT, config.name);
  mkdirSync(path.dirname(publicFile), { recursive: true });
  writeFileSync(publicFile, publicPem, { mode: 0o644 });
  const secret = config.smartBill.signingKeySecretName;
  process.stdout.write(
    [
      `1. Wrote the public key to ${publicFile}; synth reads it${config.smartBill.publicKeyPem === undefined ? '' : ` (remove stages.${config.name}.smartBill.publicKeyPem from cdk.json: it takes precedence)`}. Commit it.`,
      '',
      `2. Store the private key (${privateFile}) in Secrets Manager in each region of the stage:`,
      ...config.regions.map(
        (region) =>
          `   aws secretsmanager create-secret --region ${region} --name ${secret} --secret-string file://${privateFile}`,
      ),
      '',
      `3. Delete ${privateFile}, then deploy (npx cdk deploy --all -c stage=${config.name}).`,
      '   To rotate: run this again (the public key file is replaced), update the secret, deploy; links signed with the old key stop working.',
      '',
    ].join('\n'),
  );
  return 0;
}
