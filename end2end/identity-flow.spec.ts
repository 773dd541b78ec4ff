import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { totp } from "./totp";

/**
 * A member's whole identity journey through the pages, with JavaScript: join, confirm the
 * email from the development mailbox, sign in, edit the profile, turn on two-step sign-in,
 * sign in again with a code, see their devices, and sign out. Needs APP_ENV=development
 * (for /dev/mailbox).
 */

const REFUSED_FORM = /status of 4\d\d .*\/api\//;

/** The newest mailed link to `email` whose path is `path` (e.g. "/verify"). */
async function mailedLink(page: Page, email: string, path: string): Promise<string> {
  let link = "";
  await expect(async () => {
    const html = await (await page.request.get("/dev/mailbox")).text();
    const articles = html.split('<article data-testid="mail"').slice(1);
    const mine = articles.find((a) => a.includes(`<span data-testid="mail-to">${email}</span>`) && a.includes(`${path}?token=`));
    const match = mine?.match(new RegExp(`https?://[^"<\\s]*${path}\\?token=([^"<\\s&]+)`));
    expect(match, `a ${path} link mailed to ${email}`).toBeTruthy();
    link = `${path}?token=${match![1]}`;
  }).toPass({ timeout: 10_000 });
  return link;
}

async function expectNoSeriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function openAccountMenu(page: Page, isMobile: boolean) {
  if (isMobile) {
    const toggle = page.getByTestId("menu-toggle");
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  }
}

test("a member joins, confirms, signs in, sets up two-step sign-in and signs out", async ({ page, pageProblems, isMobile, browser }) => {
  test.setTimeout(120_000);
  pageProblems.allow(REFUSED_FORM, "the second sign-in step is refused until a code is given");
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `flow-${stamp}@example.com`;
  const password = "a calm and patient river";
  const handle = `flow_${stamp}`.slice(0, 30);

  // Join.
  await page.goto("/signup");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Display name").fill("River Stone");
  await page.getByTestId("signup-submit").click();
  await expect(page.getByTestId("signup-done")).toContainText("confirmation link");

  // Confirm the email: a button, not the page load.
  await page.goto(await mailedLink(page, email, "/verify"));
  await waitForHydration(page);
  await page.getByTestId("verify-submit").click();
  await expect(page.getByTestId("form-success")).toContainText("confirmed");

  // Sign in, coming back to the profile settings.
  await page.goto("/login?next=/settings/profile");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await openAccountMenu(page, isMobile);
  await expect(page.getByTestId("viewer-name")).toHaveText("River Stone");

  // Edit the profile; the header follows the new name.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("profile-handle")).toHaveText(`@${handle}`);
  await expectNoSeriousAxeViolations(page);
  await page.getByLabel("Display name").fill("River S.");
  await page.getByLabel("Pronouns").fill("they/them");
  await page.getByLabel("About you").fill("Morning walks & <quiet> tea.");
  await page.getByTestId("profile-submit").click();
  await expect(page.getByTestId("form-success")).toHaveText("Your profile is saved.");
  await openAccountMenu(page, isMobile);
  await expect(page.getByTestId("viewer-name")).toHaveText("River S.");
  await page.reload();
  await expect(page.getByLabel("About you")).toHaveValue("Morning walks & <quiet> tea.");
  await expect(page.getByLabel("Pronouns")).toHaveValue("they/them");

  // Two-step sign-in.
  await page.goto("/settings/security");
  await waitForHydration(page);
  await expect(page.getByTestId("mfa-status")).toHaveText("off");
  await expect(page.getByTestId("this-device")).toHaveCount(1);
  await page.getByTestId("totp-start").click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await expectNoSeriousAxeViolations(page);
  await page.getByLabel("6-digit code from the app").fill(totp(secret));
  await page.getByTestId("totp-verify").click();
  const codes = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  await expectNoSeriousAxeViolations(page);
  const recovery = (await codes.allTextContents()).map((c) => c.trim());
  await page.getByRole("button", { name: "I've stored them safely" }).click();
  await expect(page.getByTestId("mfa-status")).toHaveText("on");

  // Sign out from the header, then in again with the second step (a recovery code).
  await openAccountMenu(page, isMobile);
  await page.getByTestId("header-signout").click();
  await expect(page).toHaveURL(/\/$/);
  await openAccountMenu(page, isMobile);
  await expect(page.getByTestId("header-signin")).toBeVisible();

  await page.goto("/login?next=/settings/security");
  await waitForHydration(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/login\/mfa\?next=/);
  await page.getByTestId("mfa-switch").click();
  await expect(page.getByLabel("Recovery code")).toBeVisible();
  await page.getByLabel("Recovery code").fill(recovery[0]);
  await page.getByTestId("mfa-submit").click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByTestId("mfa-status")).toHaveText("on");

  // The earlier session was signed out, so only this device is listed.
  await expect(page.getByTestId("session-row")).toHaveCount(1);

  // Sign in on a second device, then sign it out from here.
  const other = await browser.newContext();
  const phone = await other.newPage();
  await phone.goto("/login");
  await waitForHydration(phone);
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill(password);
  await phone.getByTestId("login-submit").click();
  await expect(phone).toHaveURL(/\/login\/mfa/);
  await phone.goto("/login/mfa?recovery=1&next=/");
  await waitForHydration(phone);
  await phone.getByLabel("Recovery code").fill(recovery[1]);
  await phone.getByTestId("mfa-submit").click();
  await expect(phone).toHaveURL(/\/$/);
  await other.close();

  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("session-row")).toHaveCount(2);
  await page.getByTestId("revoke-session").click();
  await expect(page.getByTestId("session-row")).toHaveCount(1);
  await expect(page.locator("#devices").getByTestId("form-success")).toHaveText("Those devices are signed out.");

  // Change the password: the page comes back empty and says so.
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password").fill(`${password} at dusk`);
  await page.getByTestId("password-submit").click();
  await expect(page.locator("#password").getByTestId("form-success")).toHaveText("Your password is changed, and any other devices are signed out.");
  await expect(page.getByLabel("Current password")).toHaveValue("");

  // Turn two-step sign-in off with a recovery code.
  await page.getByLabel("Code from your app, or a recovery code").fill(recovery[2]);
  await page.getByTestId("totp-disable").click();
  await expect(page.getByTestId("mfa-status")).toHaveText("off");
  await expect(page.locator("#two-step").getByTestId("form-success")).toHaveText("Two-step sign-in is off.");

  // Sign out from the page.
  await page.goto("/logout");
  await waitForHydration(page);
  await page.getByTestId("signout").click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/settings/security");
  await expect(page.getByTestId("sign-in-prompt")).toBeVisible();
});
