import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle, signedInMember } from "./members";
import { enrollTotp, makeModerator, signInWithCode } from "./staff";

/**
 * Sanctions end to end, in two Chromium contexts: a site moderator (two-step sign-in) finds
 * a member in the members list and silences them for two days with a reason; the member's
 * next page says what, why and until when; their reply is refused with a readable sentence
 * and nothing is posted; the moderator lifts it and the member can reply again.
 */
test("a moderator silences a member from the members pages; the member is told why and cannot reply until it is lifted", async ({ browser }) => {
  test.setTimeout(150_000);
  const [memberContext, moderatorContext] = await Promise.all([0, 1].map(() => browser.newContext()));
  const member = await memberContext.newPage();
  const moderator = await moderatorContext.newPage();
  const fern = await signedInMember(member, "Fern Hollow");
  const keeper = await signedInMember(moderator, "Heron Warden");

  const circle = await publicCircle(member.request);
  expect((await member.request.post("/api/circles/join", { form: { slug: circle.slug } })).ok()).toBeTruthy();
  const created = await member.request.post("/api/posts/create", {
    form: { circle: circle.slug, title: "Evening walks", body: "They help me sleep." },
    maxRedirects: 0,
  });
  const postPath = created.headers()["location"];
  expect(postPath, await created.text()).toMatch(/\/p\/\d+/);

  const { secret, usedStep } = await enrollTotp(moderator);
  makeModerator(keeper.email);
  await signInWithCode(moderator, keeper, secret, usedStep, "/admin/members");

  // Find the member and silence them.
  await moderator.getByTestId("members-search").fill(fern.handle);
  await moderator.getByRole("button", { name: "Show" }).click();
  const row = moderator.getByTestId("member-row").filter({ hasText: `@${fern.handle}` });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: "Fern Hollow" }).click();
  await expect(moderator).toHaveURL(new RegExp(`/admin/members/${fern.handle}$`));
  await expect(moderator.getByTestId("sanctions-none")).toBeVisible();
  await moderator.getByTestId("sanction-silence").check();
  await moderator.getByTestId("sanction-days").fill("2");
  await moderator.getByTestId("sanction-reason").fill("Please cool off after the argument in Sleep");
  await moderator.getByTestId("sanction-submit").click();
  await expect(moderator).toHaveURL(new RegExp(`/admin/members/${fern.handle}$`));
  const record = moderator.getByTestId("sanction").first();
  await expect(record).toHaveAttribute("data-kind", "silence");
  await expect(record.getByTestId("sanction-state")).toHaveText("in force");
  await expect(moderator.getByTestId("member-page-standing")).toContainText("silenced until");

  // The member's next page says what, why and until when.
  await member.goto(postPath);
  const notice = member.getByTestId("standing-notice");
  await expect(notice).toContainText("Your account is silenced until");
  await expect(notice).toContainText("Please cool off after the argument in Sleep");
  await expect(notice).not.toContainText("Heron Warden");

  // A reply is refused in words, and nothing is posted.
  await waitForHydration(member);
  await member.getByTestId("comment-body").fill("But I was right!");
  await member.getByTestId("comment-submit").click();
  await expect(member.getByTestId("form-error")).toContainText("silenced until");
  await member.reload();
  await expect(member.getByText("But I was right!")).toHaveCount(0);

  // Lifted: the notice goes and the reply goes through.
  await moderator.getByTestId("lift-reason").first().fill("Talked it through");
  await moderator.getByTestId("lift-sanction").first().click();
  await expect(moderator.getByTestId("sanction").first().getByTestId("sanction-state")).toContainText("lifted");
  await expect(async () => {
    await member.goto(postPath);
    await expect(member.getByTestId("standing-notice")).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await waitForHydration(member);
  await member.getByTestId("comment-body").fill("Sorry for earlier, everyone.");
  await member.getByTestId("comment-submit").click();
  await expect(member.getByTestId("comment-body-html").filter({ hasText: "Sorry for earlier, everyone." })).toBeVisible();

  await Promise.all([memberContext, moderatorContext].map((c) => c.close()));
});
