import { test, expect } from "./fixtures";
import { publicCircle, signedInMember } from "./members";
import { enrollTotp, makeModerator, signInWithCode } from "./staff";

/**
 * (Desktop and phone share one database and the test circle: every name here is the run's
 * own.)
 *
 * Watched words end to end: a site moderator (two-step sign-in) adds a word to hold for
 * approval on /admin/words; a member's post containing it (in another case and with an
 * accent) is hidden from a visitor and waits in the review queue with its words; the
 * moderator approves it there and the visitor sees it.
 */
test("a held word keeps a post hidden until a moderator approves it from the queue", async ({ browser }) => {
  test.setTimeout(150_000);
  const [memberContext, moderatorContext, visitorContext] = await Promise.all([0, 1, 2].map(() => browser.newContext()));
  const member = await memberContext.newPage();
  const moderator = await moderatorContext.newPage();
  const visitor = await visitorContext.newPage();
  await signedInMember(member, "Ivy Stream");
  const keeper = await signedInMember(moderator, "Otter Warden");
  const { secret, usedStep } = await enrollTotp(moderator);
  makeModerator(keeper.email);
  await signInWithCode(moderator, keeper, secret, usedStep, "/admin/words");

  const word = `tonic${Date.now().toString(36)}`;
  await moderator.getByTestId("watched-pattern").fill(word);
  await moderator.getByTestId("watched-hold").check();
  await moderator.getByTestId("watched-submit").click();
  await expect(moderator).toHaveURL(/\/admin\/words$/);
  await expect(moderator.getByTestId("watched-word").filter({ hasText: word })).toHaveAttribute("data-action", "hold");

  const circle = await publicCircle(member.request);
  expect((await member.request.post("/api/circles/join", { form: { slug: circle.slug } })).ok()).toBeTruthy();
  const created = await member.request.post("/api/posts/create", {
    form: { circle: circle.slug, title: `Morning routine ${word}`, body: `I drink a ${word.toUpperCase().replace("O", "Ó")} every day.` },
    maxRedirects: 0,
  });
  expect(created.status(), await created.text()).toBeLessThan(400);

  // Hidden from a visitor.
  await visitor.goto(`/c/${circle.slug}`);
  await expect(visitor.getByText(`Morning routine ${word}`)).toHaveCount(0);

  // Waiting in the queue, with its words, for approval.
  await moderator.goto("/admin/queue");
  const item = moderator.getByTestId("queue-item").filter({ hasText: `Morning routine ${word}` });
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId("queue-report")).toContainText("Held for approval by a watched word");
  await expect(item.getByTestId("queue-report")).toContainText("Watched words");
  await item.getByTestId("queue-held-reason").fill("A drink is fine here");
  await item.getByTestId("queue-approve-held").click();
  await expect(moderator).toHaveURL(/\/admin\/queue$/);
  await expect(moderator.getByTestId("queue-item").filter({ hasText: `Morning routine ${word}` })).toHaveCount(0);

  // Published.
  // (A visitor's circle page may be served from the one-second page cache, which the
  // desktop and phone runs share: load it again until it is fresh.)
  await expect(async () => {
    await visitor.goto(`/c/${circle.slug}`);
    await expect(visitor.getByText(`Morning routine ${word}`)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  await Promise.all([memberContext, moderatorContext, visitorContext].map((c) => c.close()));
});
