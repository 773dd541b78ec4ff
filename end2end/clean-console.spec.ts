import { test, expect, waitForHydration, PAGES, DELIBERATE_404 } from "./fixtures";

// The fixture fails any test whose page logged a console error, threw, or hit the CSP.
// These tests load each page, let it hydrate, and then check explicitly.
for (const target of PAGES) {
  test(`${target.name}: loads and hydrates with no console errors or CSP violations`, async ({ page, pageProblems }) => {
    if (target.status === 404) pageProblems.allow(DELIBERATE_404, "deliberate 404");
    const response = await page.goto(target.path);
    expect(response?.status()).toBe(target.status);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp, "a strict CSP with a nonce").toMatch(/script-src [^;]*'nonce-/);

    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    await waitForHydration(page);
    // Still the same content once the browser has taken over (no hydration mismatch).
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    await pageProblems.expectNone();
  });
}
