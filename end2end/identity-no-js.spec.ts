import { test, expect } from "./fixtures";
import { signedInMember } from "./members";
import { totp } from "./totp";

/**
 * The security settings with JavaScript turned off: every step is a plain form post and a
 * redirect. Two-step sign-in is set up from the secret the server renders, the recovery codes
 * are shown once, and the second sign-in step takes a code; a saved form says it was saved.
 */

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a member turns on two-step sign-in, sees the recovery codes once, and signs in with a code", async ({ page }) => {
    test.setTimeout(90_000);
    const member = await signedInMember(page, "Quiet Fern");

    await page.goto("/settings/security");
    await expect(page.getByTestId("mfa-status")).toHaveText("off");
    await page.getByTestId("totp-start").click();
    await expect(page).toHaveURL(/\/settings\/security#two-step$/);
    const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret"))!;
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expect(page.getByTestId("totp-uri")).toContainText("otpauth://totp/");

    // A mistyped code comes back with its message, and the set-up is still there.
    await page.getByLabel("6-digit code from the app").fill("000000");
    await page.getByTestId("totp-verify").click();
    await expect(page.getByText("That code didn't work.")).toBeVisible();
    await expect(page.getByTestId("totp-secret")).toHaveAttribute("data-secret", secret);

    await page.getByLabel("6-digit code from the app").fill(totp(secret));
    await page.getByTestId("totp-verify").click();
    const codes = page.getByTestId("recovery-codes").getByRole("listitem");
    await expect(codes).toHaveCount(10);
    const recovery = (await codes.allTextContents()).map((c) => c.trim());
    expect(recovery[0]).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    expect(page.url()).not.toContain(recovery[0]);

    // Stored: the page reloads, and the codes are not shown again.
    await page.getByTestId("codes-stored").click();
    await expect(page.getByTestId("mfa-status")).toHaveText("on");
    await expect(page.getByTestId("recovery-codes")).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("recovery-codes")).toHaveCount(0);

    // Sign out, then in again: the password leads to the code step.
    await page.goto("/logout");
    await page.getByTestId("signout").last().click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/login?next=/settings/security");
    await page.getByLabel("Email").fill(member.email);
    await page.getByLabel("Password").fill(member.password);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/login\/mfa\?next=/);
    // The code used to confirm cannot be replayed; the app's next one is accepted.
    await page.getByLabel("Code from your authenticator app").fill(totp(secret, Date.now() + 30_000));
    await page.getByTestId("mfa-submit").click();
    await expect(page).toHaveURL(/\/settings\/security$/);
    await expect(page.getByTestId("mfa-status")).toHaveText("on");
  });

  test("a changed password and a saved profile say so after the redirect", async ({ page }) => {
    test.setTimeout(60_000);
    const member = await signedInMember(page, "Still Water");

    await page.goto("/settings/security");
    await page.getByLabel("Current password").fill(member.password);
    await page.getByLabel("New password").fill(`${member.password} at dusk`);
    await page.getByTestId("password-submit").click();
    await expect(page).toHaveURL(/\/settings\/security\?done=password#password$/);
    await expect(page.locator("#password").getByTestId("form-success")).toContainText("Your password is changed");
    await expect(page.getByLabel("Current password")).toHaveValue("");

    await page.goto("/settings/profile");
    await page.getByLabel("Display name").fill("Still Water Pond");
    await page.getByTestId("profile-submit").click();
    await expect(page).toHaveURL(/\/settings\/profile\?done=profile#profile$/);
    await expect(page.locator("#profile").getByTestId("form-success")).toHaveText("Your profile is saved.");
    await expect(page.getByLabel("Display name")).toHaveValue("Still Water Pond");
  });
});
