import type { Page } from '@playwright/test';
import axe, { type AxeResults, type Result } from 'axe-core';

declare global {
  interface Window {
    axe: typeof axe;
  }
}

/** One line per violation: rule, impact and the first few elements it names. */
function describe(violations: Result[]): string[] {
  return violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(' '))
        .join(' | ')}${violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : ''}`,
  );
}

/**
 * axe-core's violations, of any impact, over the whole page as it is now or over the elements
 * `selector` picks. axe arrives as an inline script, which the page's policy refuses: a spec
 * that calls this sets `bypassCSP` (the policy itself is e2e/security's business).
 */
export async function axeViolations(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(
    (include) => window.axe.run(include ? { include: [include] } : document, { resultTypes: ['violations'] }) as Promise<AxeResults>,
    selector ?? null,
  );
  return describe(results.violations);
}
