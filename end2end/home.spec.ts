import { test, expect, untilHydrated } from "./fixtures";

test.describe("home page", () => {
  test("renders on the server with its heading and title", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle("Wellspring");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("A calmer place to grow well, together.");
    await expect(page.getByTestId("breathing-phase")).toHaveText("Ready when you are.");
    // A strict CSP with a nonce, as the server promises on every response.
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src [^;]*'nonce-[A-Za-z0-9+/=_-]+'/);
    expect(csp).not.toContain("'unsafe-inline'");
  });

  test("hydrates: the breathing pause starts, counts down and stops", async ({ page }) => {
    await page.goto("/");
    const phase = page.getByTestId("breathing-phase");
    const begin = page.getByRole("button", { name: "Begin the pause" });
    const stop = page.getByRole("button", { name: "Stop" });
    const running = /^(Breathe in|Hold|Breathe out)… \d$/;

    await expect(phase).toHaveText("Ready when you are.");
    // Until the wasm has loaded the button does nothing, so keep pressing until it does.
    await untilHydrated(
      () => begin.click({ timeout: 2_000 }),
      () => expect(phase).toHaveText(running, { timeout: 1_000 }),
    );
    await expect(stop).toBeVisible();
    await expect(begin).toHaveCount(0);

    // The timer really ticks: the countdown moves on by itself.
    const first = await phase.textContent();
    await expect.poll(() => phase.textContent(), { timeout: 5_000 }).not.toBe(first);
    await expect(phase).toHaveText(running);

    await stop.click();
    await expect(phase).toHaveText("Ready when you are.");
    await expect(begin).toBeVisible();
    await expect(stop).toHaveCount(0);
  });
});
