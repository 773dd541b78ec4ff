import { test, expect, waitForHydration, PAGES, DELIBERATE_404 } from "./fixtures";

// The fixture fails any test whose page logged a console error, threw, or hit the CSP.
// These tests load each page, let it hydrate, and then check explicitly.
for (const target of PAGES) {
  test(`${target.name}: loads and hydrates with no console errors or CSP violations`, async ({ page, pageProblems }) => {
    if (target.status === 404) pageProblems.allow(DELIBERATE_404, "deliberate 404");
    const response = await page.goto(target.path);
    expect(response?.status()).toBe(target.status);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp, "a strict CSP with a nonce").toMatch(/script-src [^;]*'nonce-/);

    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    await waitForHydration(page);
    // Still the same content once the browser has taken over (no hydration mismatch).
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(target.heading);
    await pageProblems.expectNone();
  });
}

/** Visitors' page-cache hits so far, read from /metrics (served to loopback callers). */
async function cacheHits(request: import("@playwright/test").APIRequestContext): Promise<number> {
  const body = await (await request.get("/metrics")).text();
  const line = body.split("\n").find((l) => l.startsWith('wellspring_visitor_pages_total{outcome="hit"}'));
  expect(line, "/metrics reports the visitor page cache").toBeTruthy();
  return Number(line!.split(" ").pop());
}

test("a page served from the visitor cache carries its own nonce and hydrates", async ({ page, request, pageProblems }) => {
  // Another visitor's request renders /about and stores it; the browser's load right after is
  // served from the cache (it lives for a second), re-nonced for this response.
  // An address of its own (the query is part of the key), so no other test's visit shares it.
  const path = `/about?visit=${Math.random().toString(36).slice(2, 10)}`;
  const filled = await request.get(path);
  expect(filled.status()).toBe(200);
  const before = await cacheHits(request);
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  expect(await cacheHits(request), "the browser was served the stored page").toBeGreaterThan(before);

  const csp = response?.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce, "a nonce in the CSP header").toBeTruthy();
  const filledNonce = /'nonce-([^']+)'/.exec(filled.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).not.toBe(filledNonce);
  await expect(page.locator(`script[nonce]`).first()).toBeAttached();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("About Wellspring");
  await pageProblems.expectNone();
});
