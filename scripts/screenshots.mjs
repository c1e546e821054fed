// `npm run screenshots`: retakes the README's pictures. e2e/viewports.spec.ts photographs the
// workbench after a run at each screen size, and e2e/named-class-evaluation.spec.ts the
// evaluation of a set with class names (Fashion-MNIST) on a phone and a laptop, into
// artifacts/; this copies them into docs/.
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';

execFileSync('npx', ['playwright', 'test', 'e2e/viewports.spec.ts', 'e2e/named-class-evaluation.spec.ts'], { stdio: 'inherit' });
for (const size of ['390x844', '1280x720', '1440x900']) {
  copyFileSync(`artifacts/screenshots/workbench-${size}.png`, `docs/screenshot-${size}.png`);
  console.log(`screenshots: docs/screenshot-${size}.png`);
}
for (const size of ['390x844', '1280x720']) {
  copyFileSync(`artifacts/screenshots/evaluation-fashion-${size}.png`, `docs/screenshot-fashion-${size}.png`);
  console.log(`screenshots: docs/screenshot-fashion-${size}.png`);
}
