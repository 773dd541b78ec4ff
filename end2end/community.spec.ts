import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle, signedInMember } from "./members";

/**
 * The community core in Chromium: a visitor browses; a member joins a circle, posts with a
 * content warning, replies, reacts, saves and finds their post; and the same posting and
 * replying with JavaScript turned off, anonymously too in a support circle. Needs the demo data the development server seeds on
 * its first start.
 */

test("a visitor browses circles, a circle and a post without signing in", async ({ page }) => {
  await page.goto("/circles");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Circles");
  const tiles = page.getByTestId("circle-tile");
  expect(await tiles.count()).toBeGreaterThan(3);
  const circle = await publicCircle(page.request);
  await page.goto(`/c/${circle.slug}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(circle.name);
  await expect(page.getByRole("link", { name: "Sign in to join" })).toBeVisible();
  const first = page.getByTestId("post-title").first();
  const title = (await first.textContent())!;
  await first.click();
  await expect(page.getByTestId("post-heading")).toHaveText(title);
  await expect(page.getByTestId("comment-join-hint")).toBeVisible();
  // Feeds page with plain links.
  await page.goto("/?feed=latest");
  await expect(page.getByTestId("feed-tab-latest")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("post-card").first()).toBeVisible();
});

test("older posts load as a reader scrolls, and the older link still pages without JavaScript", async ({ page, browser }) => {
  await page.goto("/?feed=latest");
  await waitForHydration(page);
  const cards = page.getByTestId("post-card");
  await expect(cards).toHaveCount(20);
  const firstPage = await page.getByTestId("post-title").allTextContents();
  await page.mouse.wheel(0, 100_000);
  await expect(async () => {
    expect(await cards.count()).toBeGreaterThanOrEqual(40);
  }).toPass({ timeout: 15_000 });
  expect(new URL(page.url()).searchParams.get("after"), "no navigation: the page grew in place").toBeNull();
  const titles = await page.getByTestId("post-title").allTextContents();
  expect(titles.slice(0, 20)).toEqual(firstPage);
  const hrefs = await page.getByTestId("post-title").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(new Set(hrefs).size, "no post twice").toBe(hrefs.length);

  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await noJs.goto(`${new URL(page.url()).origin}/?feed=latest`);
  const plainFirst = await noJs.getByTestId("post-title").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  await noJs.getByTestId("older-posts").click();
  await expect(noJs).toHaveURL(/after=/);
  await expect(noJs.getByTestId("post-card")).toHaveCount(20);
  const plainSecond = await noJs.getByTestId("post-title").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(plainSecond.filter((href) => plainFirst.includes(href)), "pages do not overlap").toEqual([]);
  await plain.close();
});

test("a member joins a circle, posts with a content warning, replies, reacts, saves and finds it", async ({ page }) => {
  test.setTimeout(120_000);
  const member = await signedInMember(page, "Willow Brook");
  const circle = await publicCircle(page.request);
  const word = `heron${Date.now().toString(36)}`;

  await page.goto(`/c/${circle.slug}`);
  await waitForHydration(page);
  await page.getByTestId("join-circle").click();
  await expect(page.getByTestId("leave-circle")).toBeVisible();
  await page.getByTestId("new-post").click();
  await expect(page).toHaveURL(new RegExp(`/c/${circle.slug}/new$`));
  await waitForHydration(page);
  await page.getByLabel("Title").fill(`Evening walk by the ${word}`);
  await page.getByLabel("What would you like to share?").fill(`A **quiet** walk with the ${word}, thanks @${member.handle}.`);
  await page.getByLabel("Content warning (optional)").fill("mentions of loss");
  await page.getByTestId("post-submit").click();
  await expect(page).toHaveURL(new RegExp(`/c/${circle.slug}/p/\\d+-evening-walk-by-the-${word}$`));

  // The warning shows; the body waits until the reader opens it.
  await expect(page.getByTestId("post-heading")).toHaveText(`Evening walk by the ${word}`);
  const body = page.getByTestId("post-body");
  await expect(body).toBeHidden();
  await page.getByTestId("content-warning").locator("summary").click();
  await expect(body).toBeVisible();
  await expect(body.locator("strong")).toHaveText("quiet");
  await expect(body.getByRole("link", { name: `@${member.handle}` })).toHaveAttribute("href", `/u/${member.handle}`);

  // Reply, and reply to the reply.
  await waitForHydration(page);
  // An impatient second click while the reply is on its way sends nothing more: the form
  // guard marks the form busy and drops the second submit. Watched (and the navigation held
  // back) by a listener that runs after the guard's.
  await page.getByTestId("comment-body").fill("Thank you for sharing this.");
  await page.evaluate(() =>
    window.addEventListener("submit", (event) => {
      const seen = ((window as any).__submits ??= []);
      seen.push({ busy: (event.target as Element).getAttribute("aria-busy"), dropped: event.defaultPrevented });
      event.preventDefault();
    }),
  );
  await page.getByTestId("comment-submit").click();
  await page.getByTestId("comment-submit").click();
  expect(await page.evaluate(() => (window as any).__submits)).toEqual([
    { busy: "true", dropped: false },
    { busy: "true", dropped: true },
  ]);
  // Now for real, on a fresh page.
  await page.reload();
  await waitForHydration(page);
  await page.getByTestId("comment-body").fill("Thank you for sharing this.");
  await page.getByTestId("comment-submit").click();
  const comments = page.getByTestId("comment");
  await expect(comments).toHaveCount(1);
  await expect(comments.first()).toContainText("Thank you for sharing this.");
  // The reply form is rendered when asked for (before hydration the link fetches the page
  // with that form open; after it, the click opens it in place).
  await comments.first().getByTestId("reply-toggle").getByRole("link", { name: "Reply" }).click();
  await comments.first().getByTestId("reply-body").fill("It helped me too.");
  await comments.first().getByTestId("reply-submit").click();
  await expect(comments).toHaveCount(2);
  await expect(comments.nth(1)).toContainText("It helped me too.");

  // React: pressed once it counts, pressed again it's taken back.
  const support = page.getByTestId(/^reactions-post-/).getByTestId("react-support");
  await support.click();
  await expect(support).toHaveAttribute("aria-pressed", "true");
  await expect(support).toContainText("1");
  await support.click();
  await expect(support).toHaveAttribute("aria-pressed", "false");
  await support.click();
  await expect(support).toHaveAttribute("aria-pressed", "true");

  // Save, and find it in the saved list.
  await page.getByTestId("bookmark").click();
  await expect(page.getByTestId("bookmark")).toHaveText("Saved ✓");
  await page.goto("/bookmarks");
  await expect(page.getByTestId("post-title").first()).toHaveText(`Evening walk by the ${word}`);

  // Search finds it by a word of its title.
  await page.goto(`/search?q=${word}`);
  await expect(page.getByTestId("search-hit").first()).toContainText(`Evening walk by the ${word}`);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a member joins, posts and replies with plain forms", async ({ page }) => {
    test.setTimeout(90_000);
    await signedInMember(page, "Moss Lane");
    const circle = await publicCircle(page.request);
    await page.goto(`/c/${circle.slug}`);
    await page.getByTestId("join-circle").click();
    await expect(page.getByTestId("leave-circle")).toBeVisible();
    await page.goto(`/c/${circle.slug}/new`);
    await page.getByLabel("Title").fill("Plain forms still work");
    await page.getByLabel("What would you like to share?").fill("Posted without any JavaScript at all.");
    await page.getByTestId("post-submit").click();
    await expect(page).toHaveURL(/\/p\/\d+-plain-forms-still-work/);
    await expect(page.getByTestId("post-body")).toContainText("Posted without any JavaScript");
    await page.getByTestId("comment-body").fill("And a reply, also without scripts.");
    await page.getByTestId("comment-submit").click();
    await expect(page.getByTestId("comment")).toContainText("And a reply, also without scripts.");
    // Replying to a reply: the link asks for the page with that comment's form open; the only
    // form on the page until then is the top one.
    await expect(page.getByTestId("reply-body")).toHaveCount(0);
    const first = page.getByTestId("comment").first();
    await first.getByTestId("reply-toggle").getByRole("link", { name: "Reply" }).click();
    await expect(page).toHaveURL(/\?reply=\d+#comment-\d+$/);
    await page.getByTestId("reply-body").fill("A reply to the reply, still no scripts.");
    await page.getByTestId("reply-submit").click();
    await expect(page.getByTestId("comment")).toHaveCount(2);
    await expect(page.getByTestId("comment").nth(1)).toContainText("A reply to the reply, still no scripts.");
    await expect(page).not.toHaveURL(/reply=/);
    // A refused post comes back with a readable error, and nothing is created.
    await page.goto(`/c/${circle.slug}/new`);
    await page.getByLabel("Title").fill("   ");
    await page.getByLabel("What would you like to share?").fill("No title here");
    await page.getByTestId("post-submit").click();
    await expect(page.getByText("Please give your post a title.")).toBeVisible();
  });

  test("a member answers replies to their anonymous post anonymously, with plain forms", async ({ page }) => {
    test.setTimeout(90_000);
    const member = await signedInMember(page, "Wren Tidewater");
    const circle = await publicCircle(page.request, true);
    await page.goto(`/c/${circle.slug}`);
    await page.getByTestId("join-circle").click();
    await expect(page.getByTestId("leave-circle")).toBeVisible();
    await page.goto(`/c/${circle.slug}/new`);
    await page.getByLabel("Title").fill("Long evenings lately");
    await page.getByLabel("What would you like to share?").fill("The evenings feel long since the move.");
    await page.getByLabel("Post anonymously").check();
    await page.getByTestId("post-submit").click();
    await expect(page).toHaveURL(/\/p\/\d+-long-evenings-lately/);
    await expect(page.getByTestId("post-author")).toHaveText("Anonymous member");
    // On their own anonymous post, the reply starts anonymous.
    const anonymously = page.locator("#new-comment-anonymous");
    await expect(anonymously).toBeChecked();
    await page.getByTestId("comment-body").fill("Thank you, walking helps a little.");
    await page.getByTestId("comment-submit").click();
    const reply = page.getByTestId("comment").filter({ hasText: "walking helps a little" });
    await expect(reply).toContainText("Anonymous member · original poster");
    await expect(reply).not.toContainText(member.displayName);
    await expect(reply).not.toContainText(member.handle);
  });
});
