import { createHmac } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), computed here like an authenticator app would. */
function totp(base32Secret: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32Secret.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const bytes = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", bytes).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/** Waits until the browser is on the home page (not merely a URL ending in "/"). */
async function expectHome(page: Page) {
  await page.waitForURL((url) => url.pathname === "/");
}

const currentStep = () => Math.floor(Date.now() / 1000 / 30);

/** The newest mailed link to `email` whose path starts with `path`, from the dev mailbox. */
async function mailedLink(page: Page, email: string, path: string): Promise<string> {
  await page.goto("/dev/mailbox");
  const mail = page.getByTestId("mail").filter({ hasText: email }).first();
  const link = mail.locator(`a[href*="${path}?token="]`).first();
  const href = await link.getAttribute("href");
  expect(href, `a ${path} link mailed to ${email}`).toBeTruthy();
  return new URL(href!).pathname + new URL(href!).search;
}

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByTestId("login-submit").click();
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe("identity", () => {
  test.describe.configure({ mode: "serial" });

  test("sign up, confirm, enrol TOTP, sign in with it, and revoke another device", async ({
    page,
    browser,
    isMobile,
  }) => {
    test.setTimeout(120_000);
    const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}${isMobile ? "m" : "d"}`;
    const email = `e2e-${tag}@example.org`;
    const handle = `e2e_${tag}`.slice(0, 30);
    const password = "a calm river at dawn";

    // Sign up.
    await page.goto("/signup");
    await waitForHydration(page);
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('input[name="handle"]').fill(handle);
    await page.locator('input[name="display_name"]').fill("Elder Flower");
    await page.getByTestId("signup-submit").click();
    await expect(page.getByTestId("signup-done")).toBeVisible();

    // Confirm from the outbox.
    await page.goto(await mailedLink(page, email, "/verify"));
    await waitForHydration(page);
    await page.getByTestId("verify-submit").click();
    await expect(page.getByText(/confirmed/i).first()).toBeVisible();

    // Another device signs in first, with the password alone.
    const other = await newPage(browser);
    await signInWithPassword(other, email, password);
    await expectHome(other);

    // Sign in here and turn on two-step sign-in.
    await signInWithPassword(page, email, password);
    await expectHome(page);
    await page.goto("/settings/security");
    await waitForHydration(page);
    await page.getByTestId("totp-start").click();
    const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.locator('input[name="code"]').first().fill(totp(secret, currentStep()));
    await page.getByTestId("totp-verify").click();
    await expect(page.getByTestId("recovery-codes")).toBeVisible();
    const recoveryCode = (await page.getByTestId("recovery-codes").locator("li").first().innerText()).trim();

    // Turning two-step sign-in on signed the other device out: it never showed a code.
    await other.goto("/settings/security");
    await waitForHydration(other);
    await expect(other.getByTestId("session-row")).toHaveCount(0);

    // Sign out, then back in: the password leads to the code step.
    await page.goto("/logout");
    await waitForHydration(page);
    await page.getByTestId("signout").last().click();
    await expectHome(page);
    await signInWithPassword(page, email, password);
    await expect(page).toHaveURL(/\/login\/mfa/);
    await waitForHydration(page);
    // The code used at enrolment cannot be replayed; the next step's code is accepted.
    await page.locator('input[name="code"]').fill(totp(secret, currentStep() + 1));
    await page.getByTestId("mfa-submit").click();
    await expectHome(page);

    // The other device signs in again, now with a recovery code as its second step.
    await signInWithPassword(other, email, password);
    await expect(other).toHaveURL(/\/login\/mfa/);
    await waitForHydration(other);
    await other.getByTestId("mfa-switch").click();
    await expect(other).toHaveURL(/recovery=1/);
    await waitForHydration(other);
    await other.locator('input[name="code"]').fill(recoveryCode);
    await other.getByTestId("mfa-submit").click();
    await expectHome(other);

    // The other device is listed and can be signed out from here.
    await page.goto("/settings/security");
    await waitForHydration(page);
    const rows = page.getByTestId("session-row");
    await expect(rows).toHaveCount(2);
    await expect(page.getByTestId("this-device")).toHaveCount(1);
    await page.getByTestId("revoke-session").first().click();
    await expect(rows).toHaveCount(1);
    await other.context().close();
  });

  test("a wrong password gets a kind message and no session", async ({ page, pageProblems }) => {
    pageProblems.allow(/status of 4\d\d .*\/api\//, "a refused sign-in answers 401 by design");
    await signInWithPassword(page, "nobody-here@example.org", "not the password");
    await expect(page.getByRole("alert").first()).toContainText(/don't match/);
    await expect(page).toHaveURL(/\/login/);
  });
});
