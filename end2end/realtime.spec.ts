import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle, signedInMember } from "./members";

/**
 * Live updates and notifications in two Chromium contexts: one member replies, the other,
 * reading the post, sees the reply appear in place without reloading and their bell count
 * rise; replies under replies land under their parent, edits and deletions show in place,
 * and nothing a member wrote runs on the reader's page;
 * and a reaction count follow live; the notifications page lists the reply and opening it
 * lands on it, read. A reply sent
 * twice (the same form, resent) writes one reply, and the box is empty after sending.
 */

test("a reply reaches the author's open page live: in place, the bell, the notifications page", async ({ browser }) => {
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

  // The page is never reloaded: this mark would be lost.
  await author.evaluate(() => { (window as any).__stayed = true; });

  // Moss replies from his own browser, with the page's form.
  await replier.goto(postPath);
  await waitForHydration(replier);
  await replier.getByTestId("comment-body").fill(`Up with the ${word}.`);
  await replier.getByTestId("comment-submit").click();
  await expect(replier.getByTestId("comment")).toHaveCount(1);
  // After sending, the box is empty: nothing invites a second post.
  await expect(replier.getByTestId("comment-body")).toHaveValue("");

  // Without reloading, the reply appears in place on the author's page, and her bell rises.
  await expect(author.getByTestId("comment")).toHaveCount(1, { timeout: 10_000 });
  await expect(author.getByTestId("comment").first()).toContainText(`Up with the ${word}.`);
  await expect(author.locator("#replies")).toHaveText("1 reply");
  await expect(author.getByTestId("no-replies")).toHaveCount(0);
  await expect(author.getByTestId("live-banner")).toHaveCount(0);
  expect(await author.evaluate(() => (window as any).__stayed)).toBe(true);
  await expect(bell).toHaveAttribute("data-count", "1");
  await expect(bell).toBeVisible();
  // Moss reacts; the count on the author's open page follows without a reload.
  const authorSupport = author.getByTestId(/^reactions-post-/).getByTestId("react-support");
  await expect(authorSupport).toContainText("0");
  await replier.getByTestId(/^reactions-post-/).getByTestId("react-support").click();
  await expect(authorSupport).toContainText("1", { timeout: 10_000 });
  await expect(authorSupport).toHaveAttribute("aria-pressed", "false");


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

test("replies, edits and deletions appear in place, under their parent, and run nothing", async ({ browser }) => {
  test.setTimeout(120_000);
  const readerContext = await browser.newContext();
  const writerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  const writer = await writerContext.newPage();
  await signedInMember(reader, "Fern Hollow");
  await signedInMember(writer, "Moss Ledge");
  const circle = await publicCircle(reader.request);
  for (const page of [reader, writer]) {
    const joined = await page.request.post("/api/circles/join", { form: { slug: circle.slug } });
    expect(joined.ok(), await joined.text()).toBeTruthy();
  }
  const created = await reader.request.post("/api/posts/create", {
    form: { circle: circle.slug, title: `Live ${Date.now().toString(36)}`, body: "Talk to me." },
    maxRedirects: 0,
  });
  const postPath = created.headers()["location"];
  const postId = postPath.match(/\/p\/(\d+)/)![1];
  await reader.goto(postPath);
  await waitForHydration(reader);
  await reader.evaluate(() => { (window as any).__stayed = true; });

  const reply = async (body: string, parent?: string) => {
    const form: Record<string, string> = { post_id: postId, body };
    if (parent) form.parent_id = parent;
    const sent = await writer.request.post("/api/comments/create", { form });
    expect(sent.ok(), await sent.text()).toBeTruthy();
    return (await sent.json() as string).match(/#comment-(\d+)$/)![1];
  };
  const comments = reader.getByTestId("comment");
  const first = await reply("First thought.");
  await expect(comments).toHaveCount(1, { timeout: 10_000 });
  const second = await reply("Second thought.");
  await expect(comments).toHaveCount(2, { timeout: 10_000 });
  // A reply to the first lands under it, indented, before the second.
  const answer = await reply("An answer to the first.", first);
  await expect(comments).toHaveCount(3, { timeout: 10_000 });
  await expect(comments.nth(1)).toHaveAttribute("id", `comment-${answer}`);
  await expect(comments.nth(1)).toHaveClass(/depth-1/);
  await expect(comments.nth(2)).toHaveAttribute("id", `comment-${second}`);
  await expect(reader.locator("#replies")).toHaveText("3 replies");

  // An edit shows in place.
  const edited = await writer.request.post("/api/comments/edit", { form: { id: answer, body: "A better answer." } });
  expect(edited.ok(), await edited.text()).toBeTruthy();
  await expect(reader.locator(`#comment-${answer}`)).toContainText("A better answer.", { timeout: 10_000 });
  await expect(reader.locator(`#comment-${answer}`)).toContainText("(edited)");

  // A deleted reply with nothing under it goes; one with a reply keeps its place.
  for (const id of [second, first]) {
    const deleted = await writer.request.post("/api/comments/delete", { form: { id } });
    expect(deleted.ok(), await deleted.text()).toBeTruthy();
  }
  await expect(reader.locator(`#comment-${second}`)).toHaveCount(0, { timeout: 10_000 });
  await expect(reader.locator(`#comment-${first}`).getByTestId("comment-deleted")).toBeVisible({ timeout: 10_000 });
  await expect(reader.locator(`#comment-${first}`)).not.toContainText("First thought.");
  await expect(reader.locator(`#comment-${answer}`)).toBeVisible();

  // What a member writes arrives as text and markup, never as code that runs.
  const hostile = await reply('<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> [x](javascript:window.__pwned=3) Careful.');
  await expect(reader.locator(`#comment-${hostile}`)).toContainText("Careful.", { timeout: 10_000 });
  expect(await reader.locator(`#comment-${hostile} a[href^="javascript:"]`).count()).toBe(0);
  expect(await reader.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(await reader.locator(`#comment-${hostile} script, #comment-${hostile} [onerror]`).count()).toBe(0);

  expect(await reader.evaluate(() => (window as any).__stayed)).toBe(true);
  await expect(reader.getByTestId("live-banner")).toHaveCount(0);
  await readerContext.close();
  await writerContext.close();
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
