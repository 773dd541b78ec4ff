import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle } from "./members";

/**
 * A thread's later pages (`?after=<reply id>`), as a reader with JavaScript meets them: the
 * page renders and hydrates on its own address, and its links move between pages in place.
 * The integration suite walks a 1,500-reply thread page by page without JavaScript
 * (tests/api/long_threads.rs); the demo data has no thread that long, so this starts a
 * later page after the first reply of a demo post instead.
 */
test("a later page of a thread shows the replies after the given one and leads back to the first", async ({ page }) => {
  const circle = await publicCircle(page.request);
  await page.goto(`/c/${circle.slug}`);
  // The busiest post on the circle's first page.
  const counts = await page.getByTestId("post-card").evaluateAll((cards) =>
    cards.map((card) => ({
      href: card.querySelector("[data-testid=post-title]")?.getAttribute("href") ?? "",
      replies: Number((card.textContent ?? "").match(/(\d+) repl/)?.[1] ?? 0),
    })),
  );
  const busiest = counts.sort((a, b) => b.replies - a.replies)[0];
  expect(busiest.replies, "a demo post with replies").toBeGreaterThan(2);

  await page.goto(busiest.href);
  const ids = await page.locator("[id^=comment-]").evaluateAll((items) => items.map((item) => Number(item.id.slice(8))));
  expect(ids.length).toBeGreaterThan(2);
  const first = Math.min(...ids);
  const path = new URL(page.url()).pathname;

  await page.goto(`${path}?after=${first}`);
  await waitForHydration(page);
  await expect(page.locator(`#comment-${first}`)).toHaveCount(0);
  const later = await page.locator("[id^=comment-]").evaluateAll((items) => items.map((item) => Number(item.id.slice(8))));
  expect(later.length).toBeGreaterThan(0);
  expect(later.every((id) => id > first), "only replies after the given one").toBeTruthy();
  await expect(page.getByTestId("more-replies")).toHaveCount(0);

  await page.getByTestId("earlier-replies").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.locator(`#comment-${first}`)).toBeVisible();
  await expect(page.getByTestId("earlier-replies")).toHaveCount(0);
});
