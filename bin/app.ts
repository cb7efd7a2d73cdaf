/**
 * CDK entry: one stateful and one API stack per region of the selected stage.
 *
 *   npx cdk synth                 # stage "dev" from cdk.json
 *   npx cdk synth -c stage=prod   # another stage
 *   npx cdk synth -c feeIndexFile=/path/to/fee-index.bin
 *
 * cdk-nag (AWS Solutions and HIPAA Security) runs on every synth; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { addStage } from '../lib/stages/stage.js';
import { stageConfigFromContext } from '../lib/stages/stage-config.js';

const app = new App();
const config = stageConfigFromContext(app.node);
const feeIndexFile: unknown = app.node.tryGetContext('feeIndexFile');
addStage(app, config, typeof feeIndexFile === 'string' ? { feeIndexFile } : {});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
app.synth();
