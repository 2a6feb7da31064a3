// Puts the committed TypeScript example(s) (examples/typescript at the repository root) beside the
// client that Maven generated; tsc then compiles client, examples and tests together (tsconfig.json).
// An example imports the client as a user's project does once it has installed the package
// (`import ... from "portal-token-client"`): target/node_modules/portal-token-client stands in for
// that package here, resolving to the generated sources for tsc and to their compiled JavaScript
// when node runs the example.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';

const generated = new URL('./target/generated/', import.meta.url);
const examples = new URL('../../examples/typescript/', import.meta.url);

if (!existsSync(new URL('portal-token-client/index.ts', generated))) {
  console.error('No generated client in clients/typescript/target/generated: run `mvn -B verify` '
      + '(or `mvn -B -q package -DskipTests`) at the repository root first.');
  process.exit(1);
}
for (const name of readdirSync(examples).filter((n) => n.endsWith('.ts'))) {
  copyFileSync(new URL(name, examples), new URL(name, generated));
}
const installed = new URL('./target/node_modules/portal-token-client/', import.meta.url);
mkdirSync(installed, { recursive: true });
writeFileSync(new URL('package.json', installed), JSON.stringify({
  name: 'portal-token-client', private: true, type: 'module',
  exports: { '.': { types: './index.d.ts', default: './index.js' } },
}, null, 2) + '\n');
writeFileSync(new URL('index.d.ts', installed), "export * from '../../generated/portal-token-client/index.js';\n");
writeFileSync(new URL('index.js', installed), "export * from '../../js/target/generated/portal-token-client/index.js';\n");
