import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadFeeIndexFile } from '../lambdas/adapters/fee-index-file.js';
import { DEFAULT_STATE_DIR } from '../lambdas/local/paths.js';
import { startLocalStack } from '../lambdas/local/stack.js';
import { ensureLocalIndex, localStateDir } from './local-index.js';

// The AWS SDK warns on Node versions it is leaving behind; the local stack's output stays clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * `wcbr serve` (what `npm start` runs): the API on localhost with the same handlers and the same
 * authorisation as in AWS, Cognito played by cognito-local, and the fee index built from the
 * embedded sample. Prints the URL, a bearer token and a curl line that works.
 *
 * @param args - command-line arguments after `serve`
 * @returns a promise that settles when the server stops
 */
export async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'cognito-port': { type: 'string' },
      index: { type: 'string' },
      quiet: { type: 'boolean' },
      'no-recon': { type: 'boolean' },
      'recon-keys': { type: 'string' },
      'no-smartbill': { type: 'boolean' },
      'smartbill-port': { type: 'string' },
      'no-batch': { type: 'boolean' },
      'no-analytics': { type: 'boolean' },
      'batch-port': { type: 'string' },
      'state-dir': { type: 'string' },
      fresh: { type: 'boolean' },
    },
  });
  const reconKeys = values['recon-keys'] ?? process.env.WCBR_RECON_KEYS ?? 'kms';
  if (reconKeys !== 'kms' && reconKeys !== 'local') {
    throw new Error(
      `--recon-keys must be kms (moto's KMS) or local (a local master key file), not ${reconKeys}`,
    );
  }
  const reconOn = values['no-recon'] !== true && process.env.WCBR_RECON !== 'off';
  const smartBillOn = values['no-smartbill'] !== true && process.env.WCBR_SMARTBILL !== 'off';
  const batchOn = values['no-batch'] !== true && process.env.WCBR_BATCH !== 'off';
  const analyticsOn = values['no-analytics'] !== true && process.env.WCBR_ANALYTICS !== 'off';
  // Recons, their KMS keys and SmartBill pages live here and survive a restart; --fresh empties them.
  const stateDir = values['state-dir'] ?? process.env.WCBR_STATE_DIR ?? DEFAULT_STATE_DIR;
  // The sample's index, or the sample and the local store of supplied files (`wcbr data add`).
  const index =
    values.index === undefined
      ? ensureLocalIndex(localStateDir(stateDir))
      : { file: values.index, supplied: 0 };
  const release = loadFeeIndexFile(index.file).release()?.id ?? 'unnamed (an index built before releases)';
  const stack = await startLocalStack({
    stateDir,
    fresh: values.fresh === true,
    port: Number(values.port ?? process.env.PORT ?? 3000),
    cognitoPort: Number(values['cognito-port'] ?? process.env.WCBR_COGNITO_PORT ?? 9229),
    feeIndexPath: index.file,
    quiet: values.quiet === true,
    recon: reconOn ? { keys: reconKeys } : false,
    smartBill: smartBillOn
      ? { edgePort: Number(values['smartbill-port'] ?? process.env.WCBR_SMARTBILL_PORT ?? 3001) }
      : false,
    batch: batchOn
      ? { edgePort: Number(values['batch-port'] ?? process.env.WCBR_BATCH_PORT ?? 3002) }
      : false,
    // Records kept without PHI under <state>/analytics, with the retention and opt-outs of cdk.json's dev stage.
    analytics: analyticsOn ? devAnalyticsSettings() : false,
  });
  const token = await stack.token('user');
  const example = 'examples/bills/office-visit.json';
  process.stdout.write(
    [
      '',
      `Workers' comp bill review API running at ${stack.url}`,
      `  Data release ${release}: ${index.file}${index.supplied > 0 ? ` (the sample and ${index.supplied} supplied file(s) of ${localStateDir(stateDir)}/supplied)` : ''}`,
      `  Cognito (cognito-local) issuer: ${stack.issuer}`,
      `  Dev user ${stack.state.devUser.email} (TOTP MFA) in group ${stack.state.devUser.group}; machine client ${stack.state.machineClient.clientId}`,
      '',
      'A bearer token (valid 1 hour; `npx wcbr token` prints a fresh one):',
      token,
      '',
      'Price a bill:',
      `  curl -s -X POST ${stack.url}/v1/bills/price -H "Authorization: Bearer $(npx wcbr token | tail -n 1)" -H 'content-type: application/json' --data @${example}`,
      ...(stack.smartBill
        ? [
            `  Every priced bill carries smartBill.url, a signed link served by the local edge at ${stack.smartBill.edgeUrl} (pages in s3rver at ${stack.smartBill.s3Endpoint});`,
            '  open it in a browser and type the bill\'s total charge ("qrCode": true in the bill adds smartBill.qrCodeSvg).',
          ]
        : ['  SmartBill is off (--no-smartbill or WCBR_SMARTBILL=off): priced bills carry no link.']),
      'Price the claims of an X12 837, answered as an 835 (drop the Accept header for JSON with the 999):',
      `  curl -s -X POST ${stack.url}/v1/bills/price -H "Authorization: Bearer $(npx wcbr token | tail -n 1)" -H 'content-type: application/edi-x12' -H 'accept: application/edi-x12' --data-binary @examples/x12/wc-professional.837`,
      `The KPI page: ${stack.url}/analytics (sign in as ${stack.state.devUser.email}; its password and TOTP secret`,
      `  are devUser.password and devUser.totpSecret in ${stack.stateDir}/state.json: add the secret to an authenticator app)`,
      'Look up a fee:',
      `  curl -s "${stack.url}/v1/fee-schedules/US-MEDICARE/99213?date=2025-03-04&zip=19901" -H "Authorization: Bearer $(npx wcbr token | tail -n 1)"`,
      ...(stack.recon
        ? [
            `Submit a Recon (DynamoDB Local at ${stack.recon.dynamoDbEndpoint}, ${stack.recon.kmsEndpoint ? `moto KMS at ${stack.recon.kmsEndpoint}` : 'local key provider'}):`,
            `  curl -s -X POST ${stack.url}/v1/recons -H "Authorization: Bearer $(npx wcbr token | tail -n 1)" -H 'content-type: application/json' --data @examples/recons/sequence-1.json`,
            `  curl -s ${stack.url}/v1/recons/EXAMPLE-CN-1 -H "Authorization: Bearer $(npx wcbr token | tail -n 1)"`,
          ]
        : ['Recon is off (--no-recon or WCBR_RECON=off): its routes answer 404.']),
      ...(stack.batch
        ? [
            `Reprice a file of bills (one JSON bill a line; uploads and results through the local batch edge at ${stack.batch.edgeUrl}):`,
            `  curl -s -X POST ${stack.url}/v1/batches -H "Authorization: Bearer $(npx wcbr token | tail -n 1)" -H 'content-type: application/json' --data '{"format":"jsonl"}'`,
            '  curl -s -X PUT --upload-file bills.jsonl "<upload.url>"; then GET the statusPath until state is succeeded',
          ]
        : ['Batches are off (--no-batch or WCBR_BATCH=off): their routes answer 404.']),
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      stack.stop().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * The analytics settings of cdk.json's dev stage (`stages.dev.analytics`: `retentionDays`, and the
 * tenants whose `enabled` is false), so that `npm start` keeps records as the dev stage would. The
 * CDK app checks the same settings at synth (lib/stages/stage-config.ts).
 */
function devAnalyticsSettings(): { retentionDays?: number; offTenants: string[] } {
  const cdk = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: { stages?: { dev?: { analytics?: { retentionDays?: unknown; tenants?: unknown } } } };
  };
  const settings = cdk.context?.stages?.dev?.analytics ?? {};
  const days = settings.retentionDays;
  const tenants = (settings.tenants ?? {}) as Record<string, { enabled?: unknown }>;
  return {
    ...(typeof days === 'number' && Number.isInteger(days) && days >= 1 ? { retentionDays: days } : {}),
    offTenants: Object.entries(tenants)
      .filter(([, tenant]) => tenant?.enabled === false)
      .map(([id]) => id),
  };
}
