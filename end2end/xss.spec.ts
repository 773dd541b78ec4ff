import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { publicCircle, signedInMember } from "./members";

/**
 * Nothing a member writes may run in another member's browser. A corpus of payloads goes
 * into every text field a member can fill (post title, body and content warning, comment,
 * profile display name and bio); then every page that shows them is opened in Chromium.
 * The test fails on any dialog, on the global the payloads try to set, on an event-handler
 * attribute or script URL in the page, and (through the fixture) on any CSP violation.
 */

const CORPUS = [
  `<script>window.__xss = "script"</script>`,
  `<img src=x onerror="window.__xss='img'">`,
  `<svg onload="window.__xss='svg'"><circle r=1></circle></svg>`,
  `[click me](javascript:window.__xss='md-link')`,
  `[entity](&#106;avascript:window.__xss='entity')`,
  `![pic](javascript:window.__xss='md-image')`,
  `[ref][evil]\n\n[evil]: javascript:window.__xss='ref'`,
  `<a href="javascript:window.__xss='a'">a</a>`,
  `"><script>window.__xss='quote'</script>`,
  `<iframe src="javascript:window.__xss='iframe'"></iframe>`,
  `<details open ontoggle="window.__xss='details'">x</details>`,
  `[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss='math'">`,
  `&lt;script&gt;window.__xss='entities'&lt;/script&gt;`,
  `<javascript:window.__xss='autolink'>`,
  "`<script>in code</script>`",
];

async function expectNothingRan(page: Page, dialogs: string[]) {
  await expect(page.locator("main")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  const unsafe = await page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll("main *"))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}`);
        if (/^(href|src|action|formaction)$/i.test(attr.name) && /^\s*(javascript|data|vbscript):/i.test(attr.value)) {
          found.push(`${el.tagName} ${attr.name}=${attr.value}`);
        }
      }
      // The site's own icons are SVG; inside what members wrote, no such element may appear.
      const memberText = el.closest(".post-body, [data-testid='post-title'], [data-testid='post-warning'], [data-testid='search-hit'] p, [data-testid='profile-bio']");
      if (["SCRIPT", "IFRAME", "OBJECT", "EMBED"].includes(el.tagName.toUpperCase())
          || (memberText && ["SVG", "MATH", "STYLE", "IMG"].includes(el.tagName.toUpperCase()))) {
        found.push(el.tagName);
      }
    }
    return found;
  });
  expect(unsafe).toEqual([]);
  expect(dialogs).toEqual([]);
}

test("payloads in every member text field never run anywhere they are shown", async ({ page }) => {
  test.setTimeout(150_000);
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const member = await signedInMember(page, "Ivy <img src=x onerror=alert(1)>");
  const circle = await publicCircle(page.request);
  const join = await page.request.post("/api/circles/join", { form: { slug: circle.slug } });
  expect(join.ok()).toBeTruthy();

  // Profile bio through the settings form's endpoint.
  const profile = await page.request.post("/api/account/profile-update", {
    form: { display_name: `Ivy "><script>window.__xss=1</script>`, bio: CORPUS.join("\n\n"), pronouns: "<b>she</b>" },
  });
  expect(profile.ok(), await profile.text()).toBeTruthy();

  const created = await page.request.post("/api/posts/create", {
    form: {
      circle: circle.slug,
      title: `<img src=x onerror="window.__xss='title'"> xss corpus`,
      body: CORPUS.join("\n\n"),
      content_warning: `<script>window.__xss='cw'</script>`,
    },
    maxRedirects: 0,
  });
  expect(created.status(), await created.text()).toBeLessThan(400);
  const postPath = created.headers()["location"] ?? created.headers()["serverfnredirect"];
  expect(postPath, "the created post's address").toBeTruthy();
  const postId = Number(postPath!.match(/\/p\/(\d+)/)![1]);
  const comment = await page.request.post("/api/comments/create", { form: { post_id: String(postId), body: CORPUS.join("\n\n") } });
  expect(comment.ok(), await comment.text()).toBeTruthy();

  for (const path of [postPath!, `/c/${circle.slug}`, "/?feed=latest", "/?feed=home", "/search?q=corpus", `/u/${member.handle}`, "/bookmarks", "/settings/profile"]) {
    await page.goto(path);
    await waitForHydration(page);
    const warning = page.getByTestId("content-warning");
    if (await warning.count()) await warning.locator("summary").click();
    await expectNothingRan(page, dialogs);
  }
  // The text itself survives as text.
  await page.goto(postPath!);
  await expect(page.getByTestId("post-heading")).toContainText(`<img src=x onerror="window.__xss='title'"> xss corpus`);
});
