import AxeBuilder from "@axe-core/playwright";
import { test, expect, waitForHydration } from "./fixtures";

/**
 * The sign-in, sign-up and account-link pages as a visitor sees them: each renders, hydrates
 * cleanly, passes axe, and a refused form shows its message beside the field or above the
 * form. Flows that need a mailed link or a signed-in member live in their own specs.
 */

/** Chromium's console line for a server function that refused its input (a 4xx answer). */
const REFUSED_FORM = /status of 4\d\d .*\/api\//;

const IDENTITY_PAGES = [
  { path: "/signup", heading: "Join Wellspring", title: "Join · Wellspring" },
  { path: "/login", heading: "Welcome back", title: "Sign in · Wellspring" },
  { path: "/login/mfa?next=/about", heading: "One more step", title: "Two-step sign-in · Wellspring" },
  { path: "/logout", heading: "Sign out", title: "Sign out · Wellspring" },
  { path: "/forgot", heading: "Forgot your password?", title: "Forgot your password · Wellspring" },
  { path: "/reset?token=not-a-real-token", heading: "Choose a new password", title: "Choose a new password · Wellspring" },
  { path: "/verify?token=not-a-real-token", heading: "Confirm your email", title: "Confirm your email · Wellspring" },
  { path: "/magic", heading: "Sign in by email", title: "Email me a sign-in link · Wellspring" },
  { path: "/magic?token=not-a-real-token", heading: "Welcome back", title: "Sign in · Wellspring" },
] as const;

for (const target of IDENTITY_PAGES) {
  test(`${target.path} renders, hydrates and has no serious axe violations`, async ({ page, pageProblems }) => {
    const response = await page.goto(target.path);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    await expect(page).toHaveTitle(target.title);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
    const blocking = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    await pageProblems.expectNone();
  });
}

test("a visitor sees Sign in and Join in the header", async ({ page, isMobile }) => {
  await page.goto("/about");
  await waitForHydration(page);
  if (isMobile) await page.getByTestId("menu-toggle").click();
  const account = page.getByTestId("account-nav");
  await expect(account.getByTestId("header-signin")).toBeVisible();
  await expect(account.getByTestId("header-signin")).toHaveAttribute("href", "/login?next=/about");
  await expect(account.getByTestId("header-join")).toHaveAttribute("href", "/signup");
});

test("sign-up shows a refused handle beside its field", async ({ page, pageProblems }) => {
  pageProblems.allow(REFUSED_FORM, "the form is refused on purpose");
  await page.goto("/signup");
  await waitForHydration(page);
  const email = `e2e-${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long and calm phrase");
  await page.getByLabel("Handle").fill("admin");
  await page.getByLabel("Display name").fill("Someone New");
  await page.getByTestId("signup-submit").click();
  await expect(page.locator("#field-handle-error")).toHaveText("That handle is reserved.");
  await expect(page.getByLabel("Handle")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("form-error")).toContainText("Please check the highlighted fields.");
  // The server sent the sign-up page back with the error; what was typed is there again
  // (the form guard keeps text fields while a post is on its way), the password is not.
  await expect(page).toHaveURL(/\/signup\?/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Handle")).toHaveValue("admin");
  await expect(page.getByLabel("Display name")).toHaveValue("Someone New");
  await expect(page.getByLabel("Password")).toHaveValue("");
  // Kept for that one return only: a fresh visit starts empty.
  await page.goto("/signup");
  await waitForHydration(page);
  await expect(page.getByLabel("Email")).toHaveValue("");
});

test("a wrong password is explained kindly, without saying whether the account exists", async ({ page, pageProblems }) => {
  pageProblems.allow(REFUSED_FORM, "the form is refused on purpose");
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("Email").fill("nobody-here@example.com");
  await page.getByLabel("Password").fill("not the password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("form-error")).toContainText("That email and password don't match.");
});

test("a mailed link that was already used offers a new one", async ({ page, pageProblems }) => {
  pageProblems.allow(REFUSED_FORM, "the form is refused on purpose");
  await page.goto("/magic?token=not-a-real-token");
  await waitForHydration(page);
  await page.getByTestId("magic-submit").click();
  await expect(page.getByTestId("form-error")).toContainText("That link or code has expired or was already used.");
  await expect(page.getByRole("link", { name: "Send me a new link" })).toHaveAttribute("href", "/magic");
});

for (const path of ["/settings/profile", "/settings/security"]) {
  test(`${path} asks a visitor to sign in and come back`, async ({ page, pageProblems }) => {
    // The profile page answers 401 to a visitor; Chromium logs that document status.
    pageProblems.allow(/status of 401/, "a visitor is not signed in");
    await page.goto(path);
    const prompt = page.getByTestId("sign-in-prompt");
    await expect(prompt).toBeVisible();
    await expect(prompt.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", `/login?next=${path}`);
  });
}

/**
 * Provider buttons come from the server's configuration. Run the server with a provider
 * configured (e.g. WELLSPRING__OAUTH__GITHUB__CLIENT_ID and friends; nothing is dialled unless
 * a button is followed) to exercise them; without one they are absent and this is skipped.
 */
test("provider buttons on /login render cleanly and after following the header link", async ({ page, pageProblems, isMobile }) => {
  await page.goto("/login?next=/about");
  const buttons = page.getByTestId("oauth-buttons");
  test.skip((await buttons.count()) === 0, "this server has no sign-in provider configured");
  await waitForHydration(page);
  const first = buttons.getByRole("link").first();
  await expect(first).toHaveAttribute("href", /^\/auth\/oauth\/(google|github)\/start\?next=\/about$/);
  await pageProblems.expectNone();

  // Reached by following the header's link, the page still knows the providers.
  await page.goto("/about");
  await waitForHydration(page);
  if (isMobile) await page.getByTestId("menu-toggle").click();
  await page.getByTestId("header-signin").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
  await expect(page.getByTestId("oauth-buttons").getByRole("link").first()).toHaveAttribute(
    "href",
    /^\/auth\/oauth\/(google|github)\/start\?next=\/about$/,
  );
  await pageProblems.expectNone();
});
