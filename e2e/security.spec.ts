import { expect, test } from '@playwright/test';
import { SMALL_RUN, trainButton, typeConfigJson, waitForRunEnd } from './helpers';

test('the page carries a Content-Security-Policy without eval or remote origins, in its header and its meta tag', async ({ page }) => {
  const response = await page.goto('/');
  const header = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  const meta = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
  for (const policy of [header, meta]) {
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain("'unsafe-eval'");
    expect(policy).not.toMatch(/https?:|\*/);
  }
});

test('no request leaves the page’s origin while it loads, downloads MNIST and trains', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, epochs: 1 });
  await trainButton(page).click();
  await waitForRunEnd(page);
  await page.getByRole('button', { name: 'Evaluate now' }).click();

  expect(requests.some((url) => url.endsWith('/data/train-images-idx3-ubyte.gz'))).toBe(true);
  const elsewhere = requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
  expect(elsewhere).toEqual([]);
});

test('a network too large for memory is refused with its estimate, and the last valid config stays', async ({ page }) => {
  await page.goto('/');
  await typeConfigJson(page, { ...SMALL_RUN, layers: [784, 60000, 60000, 10], activations: ['ReLU', 'ReLU', 'Softmax'] });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('network too large');
  await expect(alert).toContainText(/needs about [\d.]+ (MB|GB)/);
  await expect(trainButton(page)).toBeEnabled();
});
