/**
 * One person at the Microsoft 365 Agents Playground's web client, driven by Chromium through
 * playwright-core: type in the chat, click card buttons, switch to a channel, take screenshots.
 *
 * UI facts these helpers rely on (Playground 0.2.28):
 * - The message box is the Lexical editor `[contenteditable="true"][role="textbox"]` (the log panel is
 *   contenteditable too, so `[contenteditable="true"]` alone matches two elements).
 * - Every Adaptive Card renders as `.ac-adaptiveCard`; its buttons are `<button aria-label="<title>">`.
 * - The left rail has buttons labelled "Personal Chat" and "<team> - <channel>" (here
 *   "IT Operations - Approvals").
 * - Every page load sends installationUpdate + conversationUpdate for the personal chat, so the bot greets
 *   with its help card (buttons "My roles", "Active now"); the client keeps no history across loads.
 * - A card action that the client's renderer cannot run fails silently in the page (a `pageerror`, no
 *   request), so the page's errors are collected and reported with any failed wait.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** Chromium flags for this machine (TEAMS-AND-LOCAL-STACK.md §6); headless is playwright's default. */
/** Debian's Chromium, driven by playwright-core (never `npx playwright install`). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser E2E is skipped: only on a developer machine without Chromium. Under CI=true it always
 * runs, so a CI machine without the browser fails (launching it fails) instead of going green without it.
 */
export const SKIP_BROWSER_E2E = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (SKIP_BROWSER_E2E) {
  console.log(`SKIPPED browser E2E: ${CHROMIUM} not found — install it with: apt-get install -y chromium`);
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A channel's new-post editor: the Lexical box whose placeholder says "Start a new post". */
const NEW_POST_EDITOR =
  'xpath=//span[normalize-space()="Start a new post"]/preceding-sibling::*[@contenteditable="true"][@role="textbox"]';

/** One post in a channel with its replies (a Fluent card holding a reply box). */
const CHANNEL_POST = '.fui-Card';

export const VIEWPORT = { width: 1280, height: 900 };

export class PlaygroundClient {
  readonly pageErrors: string[] = [];

  private constructor(
    readonly who: string,
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly screenshotDir: string,
    private readonly diagnostics: () => string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
  }

  /**
   * Opens the Playground at `url` in a fresh browser context and waits for the bot's greeting.
   * `diagnostics` adds context (the demo's log tail) to failure messages.
   */
  static async open(
    browser: Browser,
    who: string,
    url: string,
    screenshotDir: string,
    diagnostics: () => string,
  ): Promise<PlaygroundClient> {
    // UTC like the bot's channel cards (a channel has no single reader's zone), so a requester's "Active
    // until" and the feed card's "End" show the same time.
    const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const client = new PlaygroundClient(who, page, context, screenshotDir, diagnostics);
    // The Playground's page is a large bundle: under the whole suite's load on two cores, its load event
    // has taken longer than the 15 s given to clicks and cards (the E2E alone loads it in ~2 s).
    await page.goto(url, { timeout: 60_000 });
    await client.expectVisible(client.card('PIM Bot', 'My roles'), "the bot's greeting card", 30_000);
    // The log panel takes a quarter of the window; the screenshots are about the chat.
    await page
      .getByTitle('Hide log panel')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    return client;
  }

  /**
   * The last card whose heading is exactly `heading` ("Active", "Approval needed", …; the cards' title
   * TextBlocks have style heading, rendered with role=heading) and that contains every one of `texts`.
   */
  card(heading: string, ...texts: string[]): Locator {
    let cards = this.page
      .locator('.ac-adaptiveCard')
      .filter({ has: this.page.getByRole('heading', { name: heading, exact: true }) });
    for (const text of texts) cards = cards.filter({ hasText: text });
    return cards.last();
  }

  /** How many cards with this exact heading the current view shows. */
  async countCards(heading: string): Promise<number> {
    return this.page.getByRole('heading', { name: heading, exact: true }).count();
  }

  /** A card's (or any element's) visible text, whitespace collapsed: "Requested by Adele Vance Scope …". */
  async textOf(locator: Locator): Promise<string> {
    return (await locator.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Types a message into the chat box and sends it with Enter. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('[contenteditable="true"][role="textbox"]');
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Starts a new post in the open channel: `@<mention>` picked in the editor's mention picker (as a person
   * does: in a channel the bot receives only @mentions, and a typed name is plain text), then `text`.
   * Resolves once the post is sent; the bot's answer is a reply in the post's thread.
   */
  async post(mention: string, text: string): Promise<void> {
    // The new-post editor, not the "Type a message..." reply boxes under the earlier posts.
    await this.page.locator(NEW_POST_EDITOR).click();
    await this.page.keyboard.type(`@${mention.slice(0, 3)}`);
    await this.page.getByRole('menuitem', { name: mention }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** The last post of the open channel with this text (the post and its thread of replies). */
  postWith(text: string): Locator {
    return this.page.locator(CHANNEL_POST).filter({ hasText: text }).last();
  }

  /**
   * Picks `option` in the card's choice set labelled `label` (Input.ChoiceSet, compact), as a person does: the
   * renderer's own control, found by its label.
   */
  async choose(card: Locator, label: string, option: string): Promise<void> {
    const control = card.getByLabel(label, { exact: false }).first();
    const tag = await control.evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') {
      await control.selectOption({ label: option });
      return;
    }
    await control.click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Clicks the card's button with exactly this title. */
  async click(card: Locator, button: string): Promise<void> {
    await card.getByRole('button', { name: button, exact: true }).click();
  }

  /** Waits until `locator` is visible; the error says what was expected and what went wrong in the page. */
  async expectVisible(locator: Locator, what: string, timeout = 20_000): Promise<void> {
    try {
      await locator.waitFor({ state: 'visible', timeout });
    } catch (err) {
      const shot = await this.screenshot(`FAILED-${this.who.split(' ')[0]}-${Date.now()}`).catch(() => undefined);
      throw new Error(this.explain(`${this.who} never saw ${what}${shot ? ` (screenshot: ${shot})` : ''}`, err));
    }
  }

  /** Switches to a channel of the team in the left rail ("IT Operations - Approvals"). */
  async openChannel(team: string, channel: string): Promise<void> {
    await this.page.locator(`[aria-label="${team} - ${channel}"]`).click();
  }

  async openPersonalChat(): Promise<void> {
    await this.page.locator('[aria-label="Personal Chat"]').click();
  }

  /**
   * A viewport screenshot into the screenshot dir, with `focus` scrolled into view first. `height` makes
   * the window taller for this one shot (the chat scrolls inside the page, so a full-page shot would not
   * show more).
   */
  async screenshot(name: string, focus?: Locator, height?: number): Promise<string> {
    mkdirSync(this.screenshotDir, { recursive: true });
    if (height) await this.page.setViewportSize({ width: VIEWPORT.width, height });
    try {
      if (focus) await focus.scrollIntoViewIfNeeded().catch(() => undefined);
      // Let the card finish its layout (fonts, images) before the shot.
      await this.page.waitForTimeout(150);
      const path = join(this.screenshotDir, `${name}.png`);
      await this.page.screenshot({ path });
      return path;
    } finally {
      if (height) await this.page.setViewportSize(VIEWPORT);
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }

  private explain(message: string, cause: unknown): string {
    const parts = [message, `(${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`];
    if (this.pageErrors.length > 0) {
      parts.push(
        `\nErrors in ${this.who}'s Playground page (a card action the client cannot run fails with no request):`,
        ...this.pageErrors.map((e) => `  - ${e}`),
      );
      if (this.pageErrors.some((e) => /read only property 'key'/.test(e))) {
        parts.push(
          '  The Playground\'s Adaptive Card renderer throws for any Action.Submit/Action.Execute whose `data` has a property named "key" (it collides with the renderer\'s own "key" property), so such a button does nothing. Name that property differently in the card.',
        );
      }
    }
    parts.push('\n--- demo output (tail) ---', this.diagnostics());
    return parts.join('\n');
  }
}
