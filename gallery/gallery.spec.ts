import type { Frame, Page } from "@playwright/test";
import { checkAxe } from "../end2end/axe";
import { expect, test } from "../end2end/fixtures";

/** Every section the sheet promises (gallery/src/sheet.rs). */
const SECTIONS = [
  "Buttons",
  "Alerts",
  "Text fields",
  "Text areas",
  "Cards and form pages",
  "Avatars",
  "Icons",
  "Post cards",
  "Replying anonymously",
  "Empty states and loading",
  "Sign-in prompt",
  "Error page",
  "Footer",
];

/** The canvas colour of each scheme (style/tailwind.css: --ws-canvas). */
const CANVAS = { light: "rgb(250, 248, 243)", dark: "rgb(18, 24, 21)" };

async function sheetIn(page: Page, title: string): Promise<Frame> {
  const handle = await page.locator(`section[data-frame="${title}"] iframe`).elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error(`no frame for ${title}`);
  await frame.locator('[data-component="Footer"]').waitFor();
  return frame;
}

test("the gallery shows every component in four frames, each in its scheme and width", async ({ page, pageProblems }) => {
  // A designer whose system prefers dark still sees the light frames light: the frame's
  // fixed scheme (data-color-scheme) beats the preference.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Wellspring design system" })).toBeVisible();
  const frames = [
    { title: "Light", scheme: "light" as const, phone: false },
    { title: "Dark", scheme: "dark" as const, phone: false },
    { title: "Phone, light", scheme: "light" as const, phone: true },
    { title: "Phone, dark", scheme: "dark" as const, phone: true },
  ];
  for (const { title, scheme, phone } of frames) {
    const sheet = await sheetIn(page, title);
    const shown = await sheet.locator("[data-component]").evaluateAll((els) => els.map((el) => el.getAttribute("data-component")));
    expect(shown, `sections in ${title}`).toEqual(SECTIONS);

    // The frame's colour scheme is the one its page prefers: the site's own tokens flip.
    const canvas = await sheet.locator("main").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(canvas, `canvas in ${title}`).toBe(CANVAS[scheme]);

    // At a phone's width the two-column grids stack: the second field sits under the first.
    const fields = sheet.locator('[data-component="Text fields"] input');
    const [first, second] = [await fields.nth(0).boundingBox(), await fields.nth(1).boundingBox()];
    if (!first || !second) throw new Error(`text fields not laid out in ${title}`);
    if (phone) {
      expect(second.x, `stacked fields in ${title}`).toBe(first.x);
      expect(second.y).toBeGreaterThan(first.y);
    } else {
      expect(second.x, `side-by-side fields in ${title}`).toBeGreaterThan(first.x);
    }

    // States that must show: a refused field says why, and is marked invalid.
    await expect(sheet.getByText("A handle has letters, digits and dashes only.")).toBeVisible();
    await expect(sheet.locator("#field-gallery-handle")).toHaveAttribute("aria-invalid", "true");
    await expect(sheet.getByRole("button", { name: "Sending…" })).toBeDisabled();
    // Markup in an example stays text.
    await expect(sheet.locator("#field-gallery-bio")).toHaveValue("Morning pages, long walks, <b>no</b> markup.");
  }
  await pageProblems.expectNone();
});

for (const scheme of ["light", "dark"] as const) {
  test(`the components pass axe in the ${scheme} scheme`, async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/?sheet");
    await page.locator('[data-component="Footer"]').waitFor();
    await expect(page.locator("main")).toHaveCSS("background-color", CANVAS[scheme]);
    await checkAxe(page, testInfo, `gallery (${scheme})`);
  });
}
