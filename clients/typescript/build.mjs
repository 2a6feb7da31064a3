// Puts the committed TypeScript example(s) (examples/typescript at the repository root) beside the
// client that Maven generated, where their `./portal-token-client/index.js` import finds it just as
// in a user's project; tsc then compiles client, examples and tests together (tsconfig.json).
import { copyFileSync, existsSync, readdirSync } from 'node:fs';

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
