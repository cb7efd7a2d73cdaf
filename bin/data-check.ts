import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadFeeIndexFile, verifyFeeIndex } from '../lambdas/adapters/fee-index-file.js';
import { type ReleaseSummary, releaseSummary, runReleaseChecks } from '../lambdas/app/release/checks.js';
import { EXAMPLE_BILLS } from '../lambdas/handlers/release-steps/example-bills.js';

const USAGE = 'usage: wcbr data check [--index FILE] [--previous SUMMARY.json] [--summary]\n';

/**
 * `wcbr data check`: the full-size checks of a data release (lambdas/app/release/checks.ts, the
 * same function the release workflow's Check step runs) on a local index, against the summary of
 * the release in production (`releases/<id>/summary.json` of the stage's data bucket, or what
 * `--summary` printed for an earlier index). Prints one line a check; exit 1 when one fails.
 *
 * @param args - the arguments after `data check`
 * @param defaultIndex - the index when --index is not given (the CLI's default, built if stale)
 * @returns the exit code: 0 all passed, 1 a check failed, 2 wrong usage
 */
export function dataCheckCommand(args: string[], defaultIndex: () => string): number {
  let values: { index?: string | undefined; previous?: string | undefined; summary?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { index: { type: 'string' }, previous: { type: 'string' }, summary: { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`wcbr data check: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const index = loadFeeIndexFile(values.index ?? defaultIndex());
  let previous: ReleaseSummary | undefined;
  if (values.previous !== undefined) {
    try {
      previous = JSON.parse(readFileSync(values.previous, 'utf8')) as ReleaseSummary;
    } catch (error) {
      process.stderr.write(
        `wcbr data check: cannot read --previous ${values.previous}: ${(error as Error).message}\n`,
      );
      return 2;
    }
  }
  if (values.summary) {
    process.stdout.write(`${JSON.stringify(releaseSummary(index), null, 2)}\n`);
    return 0;
  }
  const checks = runReleaseChecks(index, {
    verifyChecksum: verifyFeeIndex,
    previous,
    examples: EXAMPLE_BILLS,
  });
  const release = index.release();
  process.stdout.write(`data release ${release?.id ?? '(unnamed)'} built ${release?.builtAt ?? '?'}\n`);
  for (const check of checks) {
    process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(13)} ${check.detail}\n`);
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
