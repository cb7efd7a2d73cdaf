#!/usr/bin/env node
// The `wcbr` command: registers tsx (TypeScript on the fly) and runs bin/wcbr.ts.
import { register } from 'tsx/esm/api';

register();
await import('./wcbr.ts');
