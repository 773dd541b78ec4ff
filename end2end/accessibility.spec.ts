import { test, expect, waitForHydration, PAGES, DELIBERATE_404 } from "./fixtures";
import { checkAxe } from "./axe";
import { publicCircle } from "./members";

for (const scheme of ["light", "dark"] as const) {
  test.describe(`accessibility (${scheme} colour scheme)`, () => {
    test.use({ colorScheme: scheme });

    for (const target of PAGES) {
      test(`${target.name} has no serious or critical axe violations`, async ({ page, pageProblems }, testInfo) => {
        if (target.status === 404) pageProblems.allow(DELIBERATE_404, "deliberate 404");
        await page.emulateMedia({ colorScheme: scheme });
        const response = await page.goto(target.path);
        expect(response?.status()).toBe(target.status);
        expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(scheme === "dark");
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
        await waitForHydration(page);
        await checkAxe(page, testInfo, `${target.path} (${scheme})`);
      });
    }

    test("the open phone menu has no serious or critical axe violations", async ({ page, isMobile }, testInfo) => {
      test.skip(!isMobile, "the menu button only shows on narrow screens");
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/");
      await waitForHydration(page);
      const toggle = page.getByTestId("menu-toggle");
      await toggle.click();
      await expect(toggle).toHaveAttribute("aria-expanded", "true");
      await expect(page.locator("#site-nav")).toBeVisible();
      await checkAxe(page, testInfo, `/ menu open (${scheme})`);
    });

    // A post as a visitor reads it: its body, replies, and the "Sign in" link inside the
    // sentence under them (links in running text must not be told apart by colour alone).
    test("a post page read by a visitor has no serious or critical axe violations", async ({ page }, testInfo) => {
      await page.emulateMedia({ colorScheme: scheme });
      const circle = await publicCircle(page.request);
      await page.goto(`/c/${circle.slug}`);
      await page.getByTestId("post-title").first().click();
      await expect(page.getByTestId("post-heading")).toBeVisible();
      await expect(page.getByTestId("comment-join-hint")).toBeVisible();
      await waitForHydration(page);
      await checkAxe(page, testInfo, `a post page (${scheme})`);
    });
  });
}
