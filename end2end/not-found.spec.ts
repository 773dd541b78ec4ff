import { test, expect, missingPath, DELIBERATE_404 } from "./fixtures";

test.describe("404 page", () => {
  test.beforeEach(({ pageProblems }) => {
    // Chromium logs "Failed to load resource: … 404" for the document itself; that is the
    // point of these tests, not a fault.
    pageProblems.allow(DELIBERATE_404, "deliberate 404");
  });

  test("is served with status 404 and shows the request id from the response header", async ({ page }) => {
    const response = await page.goto(missingPath("plain"));
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle("Page not found · Wellspring");
    const panel = page.getByTestId("error-panel");
    await expect(panel).toBeVisible();
    await expect(panel.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");

    const headerId = response?.headers()["x-request-id"];
    expect(headerId, "the response carries an x-request-id header").toBeTruthy();
    await expect(page.getByTestId("request-id")).toHaveText(headerId!);
    await expect(panel.getByRole("link", { name: "Back to the home page" })).toHaveAttribute("href", "/");
  });

  test("echoes and displays a request id sent by the client", async ({ page }) => {
    await page.setExtraHTTPHeaders({ "x-request-id": "e2e-check-123" });
    const response = await page.goto(missingPath("echo"));
    expect(response?.status()).toBe(404);
    expect(response?.headers()["x-request-id"]).toBe("e2e-check-123");
    await expect(page.getByTestId("request-id")).toHaveText("e2e-check-123");
  });

  test("a plain HTTP request also gets 404 and the same id in header and body", async ({ request }) => {
    const response = await request.get(missingPath("api"), { headers: { "x-request-id": "e2e-check-123" } });
    expect(response.status()).toBe(404);
    expect(response.headers()["x-request-id"]).toBe("e2e-check-123");
    expect(await response.text()).toMatch(/<code[^>]*data-testid="request-id"[^>]*>e2e-check-123<\/code>/);
  });
});
