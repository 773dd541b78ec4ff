import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle, signedInMember } from "./members";

/**
 * Live updates and notifications in two Chromium contexts: one member replies, the other,
 * reading the post, sees a "new reply" banner without reloading and their bell count rise;
 * and a reaction count follow live; the notifications page lists the reply and opening it
 * lands on it, read. A reply sent
 * twice (the same form, resent) writes one reply, and the box is empty after sending.
 */

test("a reply reaches the author's open page live: the banner, the bell, the notifications page", async ({ browser }) => {
  test.setTimeout(120_000);
  const authorContext = await browser.newContext();
  const readerContext = await browser.newContext();
  const author = await authorContext.newPage();
  const replier = await readerContext.newPage();
  await signedInMember(author, "Fern Meadow");
  await signedInMember(replier, "Moss Bank");
  const circle = await publicCircle(author.request);
  for (const page of [author, replier]) {
    const joined = await page.request.post("/api/circles/join", { form: { slug: circle.slug } });
    expect(joined.ok(), await joined.text()).toBeTruthy();
  }
  const word = `kestrel${Date.now().toString(36)}`;
  const created = await author.request.post("/api/posts/create", {
    form: { circle: circle.slug, title: `Morning ${word}`, body: "Who else is up early?" },
    maxRedirects: 0,
  });
  const postPath = created.headers()["location"];
  expect(postPath, await created.text()).toMatch(/\/p\/\d+/);

  // The author reads her post; her bell shows nothing unread.
  await author.goto(postPath);
  await waitForHydration(author);
  const bell = author.getByTestId("unread-count");
  await expect(bell).toHaveAttribute("data-count", "0");
  await expect(author.getByTestId("live-banner")).toHaveCount(0);

  // Moss replies from his own browser, with the page's form.
  await replier.goto(postPath);
  await waitForHydration(replier);
  await replier.getByTestId("comment-body").fill(`Up with the ${word}.`);
  await replier.getByTestId("comment-submit").click();
  await expect(replier.getByTestId("comment")).toHaveCount(1);
  // After sending, the box is empty: nothing invites a second post.
  await expect(replier.getByTestId("comment-body")).toHaveValue("");

  // Without reloading, the author sees the banner and her bell rise.
  await expect(author.getByTestId("live-banner")).toHaveText(/1 new reply/, { timeout: 10_000 });
  await expect(bell).toHaveAttribute("data-count", "1");
  await expect(bell).toBeVisible();
  // Moss reacts; the count on the author's open page follows without a reload.
  const authorSupport = author.getByTestId(/^reactions-post-/).getByTestId("react-support");
  await expect(authorSupport).toContainText("0");
  await replier.getByTestId(/^reactions-post-/).getByTestId("react-support").click();
  await expect(authorSupport).toContainText("1", { timeout: 10_000 });
  await expect(authorSupport).toHaveAttribute("aria-pressed", "false");

  await author.getByTestId("live-banner").click();
  await expect(author.getByTestId("comment")).toHaveCount(1);
  await expect(author.getByTestId("comment").first()).toContainText(`Up with the ${word}.`);

  // The notifications page lists it; opening it marks it read and lands on the reply.
  await author.getByTestId("header-notifications").click();
  await expect(author).toHaveURL(/\/notifications$/);
  // Newest first: Moss's reaction, then his reply.
  await expect(author.getByTestId("notification-sentence")).toHaveText([
    "Moss Bank reacted to your post",
    "Moss Bank replied to your post",
  ]);
  const item = author.getByTestId("notification").filter({ hasText: "replied to your post" });
  await expect(item).toHaveAttribute("data-unread", "true");
  await item.getByRole("button").click();
  await expect(author).toHaveURL(new RegExp(`${postPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}#comment-\\d+$`));
  await author.goto("/notifications");
  await expect(author.getByTestId("notification").filter({ hasText: "replied to your post" })).toHaveAttribute("data-unread", "false");
  await expect(author.getByTestId("notifications-unread")).toHaveText("1 unread");
  await author.getByTestId("notifications-read-all").click();
  await expect(author.getByTestId("notifications-unread")).toHaveText("Nothing new");

  await authorContext.close();
  await readerContext.close();
});

test("the same reply form sent twice writes one reply", async ({ page }) => {
  await signedInMember(page, "Willow Brook");
  const circle = await publicCircle(page.request);
  await page.request.post("/api/circles/join", { form: { slug: circle.slug } });
  const created = await page.request.post("/api/posts/create", {
    form: { circle: circle.slug, title: `Resent ${Date.now().toString(36)}`, body: "Testing twice." },
    maxRedirects: 0,
  });
  const postPath = created.headers()["location"];
  await page.goto(postPath);
  const key = await page.locator('#new-comment').locator("xpath=ancestor::form").locator('input[name="submission"]').inputValue();
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  const postId = postPath.match(/\/p\/(\d+)/)![1];
  // A retry after a network error, or the back button and "send again": the same form twice.
  for (let i = 0; i < 2; i++) {
    const sent = await page.request.post("/api/comments/create", {
      form: { post_id: postId, body: "Only once, please.", submission: key },
    });
    expect(sent.ok(), await sent.text()).toBeTruthy();
  }
  await page.reload();
  await expect(page.getByTestId("comment")).toHaveCount(1);
});
