#!/usr/bin/env node
// The `wcbr` command: registers tsx (TypeScript on the fly) and runs bin/wcbr.ts.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'token') {
  // `wcbr token` alone: a reused token answers without loading the rest of the command line.
  const { token } = await import('./token.ts');
  try {
    process.exitCode = await token(process.argv.slice(3));
  } catch (error) {
    process.stderr.write(`wcbr: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
} else {
  await import('./wcbr.ts');
}
