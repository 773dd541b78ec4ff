import type { APIRequestContext, Page } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * Making members for community tests without repeating the identity journey (which
 * identity-flow.spec.ts drives through the pages): the same server functions the forms post
 * to, called from the page's own request context so the session cookies land in the browser.
 */

export interface Member {
  email: string;
  password: string;
  handle: string;
  displayName: string;
}

/** The newest link to `path` (e.g. "/verify") mailed to `email`, from the development mailbox. */
export async function mailedToken(request: APIRequestContext, email: string, path: string): Promise<string> {
  let token = "";
  await expect(async () => {
    const html = await (await request.get("/dev/mailbox")).text();
    const articles = html.split('<article data-testid="mail"').slice(1);
    const mine = articles.find((a) => a.includes(`<span data-testid="mail-to">${email}</span>`) && a.includes(`${path}?token=`));
    const match = mine?.match(new RegExp(`${path}\\?token=([^"<\\s&]+)`));
    expect(match, `a ${path} link mailed to ${email}`).toBeTruthy();
    token = match![1];
  }).toPass({ timeout: 10_000 });
  return token;
}

/** Signs up, confirms and signs in a new member in `page`'s browser context. */
export async function signedInMember(page: Page, name = "Fern Meadow"): Promise<Member> {
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const member: Member = {
    email: `member-${stamp}@example.com`,
    password: "slow mornings by the lake",
    handle: `m_${stamp}`.slice(0, 30),
    displayName: name,
  };
  const request = page.request;
  const signup = await request.post("/api/auth/signup", {
    form: { email: member.email, password: member.password, handle: member.handle, display_name: member.displayName },
  });
  expect(signup.ok(), await signup.text()).toBeTruthy();
  const token = await mailedToken(request, member.email, "/verify");
  const verify = await request.post("/api/auth/verify", { form: { token } });
  expect(verify.ok(), await verify.text()).toBeTruthy();
  const login = await request.post("/api/auth/login", { form: { email: member.email, password: member.password } });
  expect(login.status(), await login.text()).toBeLessThan(400);
  return member;
}

/** Slug of a public, non-support circle from the demo data, for posting into. */
export async function publicCircle(request: APIRequestContext, support = false): Promise<{ slug: string; name: string }> {
  const response = await request.post("/api/circles/list", { form: {} });
  expect(response.ok()).toBeTruthy();
  const circles = (await response.json()) as { slug: string; name: string; visibility: string; is_support: boolean }[];
  const circle = circles.find((c) => c.visibility === "public" && c.is_support === support);
  expect(circle, `a public${support ? " support" : ""} circle in the demo data`).toBeTruthy();
  return circle!;
}

/** The member the demo data seeds (src/server/seed/community.rs), who has circles, posts and replies. */
export const DEMO = { email: "demo@wellspring.test", password: "wellspring-demo", handle: "demo" } as const;

/** Signs the demo member in, in `page`'s browser context. */
export async function signedInAsDemo(page: Page): Promise<void> {
  const login = await page.request.post("/api/auth/login", { form: { email: DEMO.email, password: DEMO.password } });
  expect(login.status(), await login.text()).toBeLessThan(400);
}
