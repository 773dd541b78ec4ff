import { test, expect, untilHydrated, waitForHydration } from "./fixtures";

test.describe("navigation", () => {
  test("the header's About link leads to the About page", async ({ page, isMobile }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    if (isMobile) {
      // On a phone the links sit behind the menu button.
      const toggle = page.getByTestId("menu-toggle");
      await untilHydrated(
        () => toggle.click({ timeout: 2_000 }),
        () => expect(toggle).toHaveAttribute("aria-expanded", "true", { timeout: 1_000 }),
      );
    }
    await nav.getByRole("link", { name: "About", exact: true }).click();
    await expect(page).toHaveURL(/\/about$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("About Wellspring");
    await expect(page).toHaveTitle("About · Wellspring");
  });

  test("the first Tab focuses the skip link", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
  });

  test("the skip link moves keyboard focus to the main content", async ({ page }) => {
    await page.goto("/");
    // The normal case: the person starts tabbing once the page is fully loaded. (Before
    // hydration the browser handles "#main" itself; after it, leptos_router intercepts
    // same-origin link clicks and only scrolls, so the app must move focus itself.)
    await waitForHydration(page);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
    await expect(page.locator("main#main")).toBeFocused();
  });
});

test.describe("phone menu", () => {
  test("the menu button opens and closes the navigation", async ({ page, isMobile }) => {
    test.skip(!isMobile, "the menu button only shows on narrow screens");
    await page.goto("/");
    const toggle = page.getByTestId("menu-toggle");
    const nav = page.locator("#site-nav");
    const links = nav.getByRole("link");

    await expect(toggle).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toHaveAccessibleName("Open menu");
    await expect(nav).toBeHidden();

    await untilHydrated(
      () => toggle.click({ timeout: 2_000 }),
      () => expect(toggle).toHaveAttribute("aria-expanded", "true", { timeout: 1_000 }),
    );
    await expect(toggle).toHaveAccessibleName("Close menu");
    await expect(nav).toBeVisible();
    await expect(links).toHaveText(["Home", "Circles", "Search", "About", "Status"]);
    for (const link of await links.all()) await expect(link).toBeVisible();

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toHaveAccessibleName("Open menu");
    await expect(nav).toBeHidden();
  });

  test("on a wide screen the navigation shows without a menu button", async ({ page, isMobile }) => {
    test.skip(isMobile, "desktop layout only");
    await page.goto("/");
    await expect(page.getByTestId("menu-toggle")).toBeHidden();
    await expect(page.locator("#site-nav").getByRole("link")).toHaveText(["Home", "Circles", "Search", "About", "Status"]);
  });
});
