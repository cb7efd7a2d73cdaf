/**
 * CDK entry: one stateful and one API stack per region of the selected stage.
 *
 *   npx cdk synth                 # stage "dev" from cdk.json
 *   npx cdk synth -c stage=prod   # another stage
 *   npx cdk synth -c feeIndexFile=/path/to/fee-index.bin
 *
 * cdk-nag (AWS Solutions and HIPAA Security) runs on every synth; an unacknowledged finding fails it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { DEFAULT_INDEX_FILE } from '../fee-data/paths.js';
import { FeeIndex } from '../lambdas/fee-index/reader.js';
import { addStage } from '../lib/stages/stage.js';
import { stageConfigFromContext } from '../lib/stages/stage-config.js';

const app = new App();
const config = stageConfigFromContext(app.node);
const feeIndexFile: unknown = app.node.tryGetContext('feeIndexFile');
const indexFile = typeof feeIndexFile === 'string' ? feeIndexFile : DEFAULT_INDEX_FILE;
// Deploying the embedded sample (367 codes) is allowed for a trial, and said loudly.
if (existsSync(indexFile) && FeeIndex.fromBytes(readFileSync(indexFile)).header.builtFrom === 'sample') {
  process.stderr.write(
    `warning: the fee index ${indexFile} was built from fee-data/sample (367 codes): build the national index with \`npx wcbr data build --from <official files>\` before deploying for real bills.\n`,
  );
}
addStage(app, config, typeof feeIndexFile === 'string' ? { feeIndexFile } : {});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
app.synth();
