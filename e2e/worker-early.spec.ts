import { expect, test } from '@playwright/test';

test('the training workers start before the first Train, and download nothing until it', async ({ page }) => {
  const dataRequests: string[] = [];
  page.on('request', (request) => {
    if (/\/data\//.test(new URL(request.url()).pathname)) dataRequests.push(request.url());
  });
  await page.goto('/');
  // "Use both cores" is on where the page is isolated: the trainer and its second worker.
  await expect(page.getByLabel('Use both cores')).toBeChecked();
  await expect.poll(() => page.workers().map((worker) => /(training|shard)\.worker/.exec(worker.url())?.[1]).filter(Boolean).sort()).toEqual(['shard', 'training']);
  expect(dataRequests).toEqual([]);
});
