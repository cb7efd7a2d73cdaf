import * as v from 'valibot';
import { BATCH_FORMATS } from '../../app/batch/ports.js';
import { DEFAULT_BATCH_EXPLAIN, EXPLAIN_LEVELS } from '../../app/batch/price.js';

/** `POST /v1/batches` body: the input's format and the answers' explanation level. */
export const CreateBatchInputSchema = v.strictObject({
  format: v.pipe(
    v.picklist(BATCH_FORMATS),
    v.description(
      "The input file's format: `jsonl`, one bill a line in any shape POST /v1/bills/price takes. The X12 837 formats will join this list.",
    ),
  ),
  explain: v.optional(
    v.pipe(
      v.picklist(EXPLAIN_LEVELS),
      v.description(
        'How much explanation each result row carries: `full` (as POST /v1/bills/price answers by default), `summary` (the default for batches) or `none`.',
      ),
    ),
    DEFAULT_BATCH_EXPLAIN,
  ),
});
