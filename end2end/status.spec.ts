import { test, expect } from "./fixtures";

test("the status page shows the database answering as the anon role", async ({ page }) => {
  const response = await page.goto("/status");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Service status · Wellspring");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Service status");
  await expect(page.getByTestId("db-role")).toHaveText("anon");
  await expect(page.getByTestId("db-latency")).toHaveText(/^\d+(\.\d)? ms$/);
});
