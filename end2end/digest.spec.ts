import { test, expect, waitForHydration } from "./fixtures";
import { signedInMember } from "./members";

/**
 * The email digest as a member meets it: chosen on the notifications page (a plain form),
 * and the page a digest's unsubscribe link opens, which asks before it acts and says kindly
 * when the link is broken. (The signed link itself, the one-click POST and the mail are
 * proved in tests/api/digests.rs.)
 */

test("a member chooses a weekly digest and sees the choice kept", async ({ page }) => {
  await signedInMember(page, "Iris Vale");
  await page.goto("/notifications");
  await waitForHydration(page);
  const choice = page.locator("#digest-frequency");
  await expect(choice).toHaveValue("off");
  await choice.selectOption("weekly");
  await page.getByTestId("digest-save").click();
  await expect(page.getByTestId("digest-saved")).toHaveText("Saved.");
  await expect(choice).toHaveValue("weekly");
  await page.goto("/notifications");
  await expect(page.locator("#digest-frequency")).toHaveValue("weekly");
});

test("the unsubscribe page asks first and refuses a broken link kindly", async ({ page }) => {
  await page.goto("/unsubscribe/digest");
  await expect(page.getByTestId("unsubscribe-incomplete")).toBeVisible();
  await page.goto("/unsubscribe/digest?member=00000000-0000-0000-0000-000000000000&sig=forged");
  await waitForHydration(page);
  await page.getByTestId("unsubscribe-submit").click();
  await expect(page.getByRole("alert")).toContainText("not complete or not valid");
});
