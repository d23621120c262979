import { expect, test } from '@playwright/test';

test('should answer on /hello and report ready', async ({ request }) => {
  const hello = await request.get('/hello?name=e2e');
  expect(hello.status()).toBe(200);
  expect(await hello.json()).toMatchObject({ message: 'Hello, e2e' });
  expect((await request.get('/readyz')).status()).toBe(200);
});
