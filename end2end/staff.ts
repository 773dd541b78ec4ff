import { execFileSync } from "node:child_process";
import type { Page } from "@playwright/test";
import { expect, waitForHydration } from "./fixtures";
import type { Member } from "./members";
import { totp } from "./totp";

/** Staff in the browser: a member made a site moderator, with two-step sign-in on, signed in
 * with a code from the authenticator app (shared by the moderation and sanctions specs). */

/** Makes a member a site moderator, as an admin would (the role change itself is tested in
 * the integration suite); their next sign-in carries the role. */
export function makeModerator(email: string) {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set (scripts/e2e.sh sets it)");
  execFileSync("psql", [url, "-qc", `update auth.users set role = 'moderator' where email = '${email.replace(/'/g, "''")}'`]);
}

/** Turns two-step sign-in on from the security page; returns the secret and the time step
 * its confirming code used (a code works once). */
export async function enrollTotp(page: Page): Promise<{ secret: string; usedStep: number }> {
  await page.goto("/settings/security");
  await waitForHydration(page);
  await page.getByTestId("totp-start").click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  const usedStep = Math.floor(Date.now() / 30_000);
  await page.getByLabel("6-digit code from the app").fill(totp(secret));
  await page.getByTestId("totp-verify").click();
  await page.getByRole("button", { name: "I've stored them safely" }).click();
  await expect(page.getByTestId("mfa-status")).toHaveText("on");
  return { secret, usedStep };
}

/** Signs in with the password, then a fresh code from the app (waiting for the next time
 * step if the last code was from this one). */
export async function signInWithCode(page: Page, who: Member, secret: string, usedStep: number, next: string) {
  const logout = await page.request.post("/api/auth/logout", { form: {} });
  expect(logout.status()).toBeLessThan(400);
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await waitForHydration(page);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/login\/mfa/);
  const wait = (usedStep + 1) * 30_000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait + 250);
  await page.getByLabel("Code from your authenticator app").fill(totp(secret));
  await page.getByTestId("mfa-submit").click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/\//g, "\\/")}$`));
}

