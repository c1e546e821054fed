import { expect, test } from '@playwright/test';

const CONFIG = 'layers=784,48,10&activations=Tanh,Softmax&learning_rate=0.02&epochs=4&optimizer=sgd&batch_size=8';

// A link is untrusted input: a marker claiming billions of classes must not size anything by it.
for (const classes of ['4294967296', '1000000000', '100000000']) {
  test(`a link whose dataset marker claims ${classes} classes opens the page with its config and says the marker is not valid`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`/#${CONFIG}&dataset=x_28_28_${classes}`);
    await expect(page.getByRole('heading', { name: 'Network' })).toBeVisible();
    await expect(page.getByText(`The dataset named in this link, x, was not read: its class count must be an integer from 2 to 256, got ${classes}`)).toBeVisible();
    await expect(page.getByLabel('Hidden layer 1 units')).toHaveValue('48');
    await expect(page.getByRole('radio', { name: /^MNIST/ })).toBeChecked();
    expect(errors).toEqual([]);
  });
}
