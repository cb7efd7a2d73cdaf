import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The dependency direction of docs/decisions/011-layout.md is enforced by Biome's
 * noRestrictedImports overrides in biome.json (`npm run lint`, part of `npm test`). This test holds
 * the rules to that record: probe files placed where each layer lives, each importing what the
 * layer may and may not import, are linted with the repository's own biome.json in a temporary
 * copy of the layout; every forbidden import must be an error and no allowed one may be.
 */

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIOME = path.join(REPO_ROOT, 'node_modules/.bin/biome');

/** A probe: a file of one layer, the imports it may make, and those it may not. */
interface Probe {
  readonly file: string;
  readonly allowed: readonly string[];
  readonly forbidden: readonly string[];
}

const PROBES: readonly Probe[] = [
  {
    file: 'lambdas/engine/stages/probe.ts',
    allowed: ['../money.js', '../../fee-index/reader.js', '../../domain/jurisdiction-schema.js'],
    forbidden: [
      '../../../fee-data/jurisdictions/registry.js',
      '../../app/answers.js',
      '../../adapters/envelope.js',
      '../../handlers/shared/http.js',
      '../../local/stack.js',
      '../../observability/logger.js',
      '@aws-sdk/client-s3',
      'node:fs',
    ],
  },
  {
    file: 'lambdas/domain/probe.ts',
    allowed: ['./visit-categories.js', 'valibot'],
    forbidden: ['../engine/bill/schema.js', '../fee-index/reader.js', '../../fee-data/paths.js'],
  },
  {
    file: 'lambdas/fee-index/probe.ts',
    allowed: ['./header.js', '../domain/jurisdiction-schema.js'],
    forbidden: [
      '../../fee-data/jurisdictions/registry.js',
      '../engine/money.js',
      '../adapters/fee-index-file.js',
    ],
  },
  {
    file: 'lambdas/app/recon/probe.ts',
    allowed: [
      './ports.js',
      '../../engine/price-bill.js',
      '../../observability/powertools.js',
      '../answers.js',
    ],
    forbidden: [
      '../../handlers/shared/http.js',
      '../../adapters/recon-store-dynamodb.js',
      '../../local/stack.js',
      '@aws-sdk/client-dynamodb',
    ],
  },
  {
    file: 'lambdas/adapters/probe.ts',
    allowed: ['../app/recon/ports.js', '../app/dependency-errors.js', '@aws-sdk/client-kms'],
    forbidden: ['../handlers/shared/http.js', '../local/stack.js'],
  },
  {
    file: 'lambdas/handlers/price-bill/probe.ts',
    allowed: ['../shared/http.js', '../../app/smartbill/service.js', '../../adapters/envelope.js'],
    forbidden: ['../../local/stack.js', '../../../fee-data/paths.js'],
  },
  {
    file: 'lambdas/x12/probe.ts',
    allowed: ['./write.js', '../engine/priced-bill.js', '../engine/bill/schema.js', 'node-x12'],
    forbidden: [
      '../app/answers.js',
      '../adapters/envelope.js',
      '../handlers/shared/http.js',
      '../local/stack.js',
      '../observability/logger.js',
      '../smartbill/render.js',
      '@aws-sdk/client-s3',
      'node:fs',
    ],
  },
  {
    file: 'fee-data/import/probe.ts',
    allowed: ['../../lambdas/domain/jurisdiction-schema.js', '../../lambdas/fee-index/schema.js'],
    forbidden: ['../../lambdas/app/answers.js', '../../lambdas/local/paths.js'],
  },
  {
    file: 'lambdas/local/probe.ts',
    allowed: ['../handlers/shared/routes.js', '../app/recon/service.js', '../adapters/envelope.js'],
    forbidden: [],
  },
];

interface Diagnostic {
  readonly severity: string;
  readonly category: string;
  readonly location: { readonly path: string; readonly start: { readonly line: number } };
}

let dir: string;
let errors: Diagnostic[];

beforeAll(() => {
  if (!existsSync(BIOME)) throw new Error(`biome not found: ${BIOME} (run npm ci in the repository)`);
  dir = mkdtempSync(path.join(os.tmpdir(), 'wcbr-layout-'));
  // The repository's rules as they are; the copy is not a git checkout, so VCS integration is off.
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
  for (const probe of PROBES) {
    const file = path.join(dir, probe.file);
    mkdirSync(path.dirname(file), { recursive: true });
    const specs = [...probe.allowed, ...probe.forbidden];
    const lines = specs.map((spec, i) => `import * as m${i} from '${spec}';`);
    writeFileSync(
      file,
      `${lines.join('\n')}\nexport const all = [${specs.map((_, i) => `m${i}`).join(', ')}];\n`,
    );
  }
  let out: string;
  try {
    out = execFileSync(BIOME, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Biome exits 1 when it reports errors: the report is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { diagnostics: Diagnostic[] };
  errors = report.diagnostics.filter((d) => d.severity === 'error');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The import specifiers of a probe that Biome reported as restricted. */
function restricted(probe: Probe): string[] {
  const specs = [...probe.allowed, ...probe.forbidden];
  return errors
    .filter((d) => d.category === 'lint/style/noRestrictedImports' && d.location.path === probe.file)
    .map((d) => specs[d.location.start.line - 1] as string);
}

describe('the import rules of biome.json (docs/decisions/011-layout.md)', () => {
  it('reports no error other than restricted imports (the probes are otherwise clean)', () => {
    expect(errors.filter((d) => d.category !== 'lint/style/noRestrictedImports')).toEqual([]);
  });

  for (const probe of PROBES) {
    it(`${probe.file}: refuses exactly the imports its layer may not make`, () => {
      expect(restricted(probe).sort()).toEqual([...probe.forbidden].sort());
    });
  }
});
