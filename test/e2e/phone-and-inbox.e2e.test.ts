/**
 * Browser E2E, issue 15: the approver's inbox (deciding one request keeps the inbox), a German-locale user,
 * and phone-width (360 px) screenshots, in the Agents Playground (Chromium). Own demo (free ports), own
 * screenshots in artifacts/e2e-phone/ (the walkthrough file empties artifacts/e2e when it starts).
 *
 * German: the Playground's web client sends every message with the Playground server's locale
 * (`Intl.DateTimeFormat().resolvedOptions().locale`, en-US here) and has no per-user locale setting. Its
 * headless control `POST /_internal/v1/customActivities` sends any activity into a conversation, so the German
 * user's turn is the Playground's own message template for the personal chat with `locale: 'de-DE'`; the
 * bot's answer renders in the browser like any other.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../support/demo-process';
import { CHROMIUM, CHROMIUM_ARGS, PlaygroundClient, SKIP_BROWSER_E2E } from './playground-client';

const SHOTS = fileURLToPath(new URL('../../artifacts/e2e-phone', import.meta.url));
const de = (ns: string) =>
  JSON.parse(readFileSync(new URL(`../../src/i18n/locales/de/${ns}.json`, import.meta.url), 'utf8')) as Record<
    string,
    Record<string, string>
  >;

describe.skipIf(SKIP_BROWSER_E2E)('browser E2E: inbox, German user, phone width (Chromium)', () => {
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  let adele: PlaygroundClient;
  let megan: PlaygroundClient;
  const started = Date.now();
  const tail = () => (demo?.output() ?? '').split('\n').slice(-15).join('\n');

  /**
   * The card laid out 360 px wide, as on a phone, shot on its own. The Playground's page is not responsive
   * (its left rail and chat header stay), so a 360-px window would cut the chat off; the card's own box is
   * set to 360 px instead, which is what a phone gives a card. It must not overflow that box.
   */
  const phoneShot = async (name: string, card: Locator) => {
    await card.scrollIntoViewIfNeeded();
    await card.evaluate((el) => {
      el.setAttribute('data-style', el.getAttribute('style') ?? '');
      el.setAttribute('style', `${el.getAttribute('style') ?? ''}; width: 360px; max-width: 360px`);
    });
    try {
      const overflow = await card.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow, `${name}: the card is wider than 360 px`).toBeLessThanOrEqual(1);
      mkdirSync(SHOTS, { recursive: true });
      const path = join(SHOTS, `${name}.png`);
      await card.screenshot({ path });
      return path;
    } finally {
      await card.evaluate((el) => el.setAttribute('style', el.getAttribute('data-style') ?? ''));
    }
  };

  beforeAll(async () => {
    demo = await startDemo();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    [adele, megan] = await Promise.all([
      PlaygroundClient.open(browser, 'Adele Vance', demo.playgroundUrl, SHOTS, tail),
      PlaygroundClient.open(browser, 'Megan Bowen', demo.approverPlaygroundUrl, SHOTS, tail),
    ]);
  }, 120_000);

  afterAll(async () => {
    await adele?.close();
    await megan?.close();
    await browser?.close().catch(() => undefined);
    await demo?.stop();
    console.log(`phone/inbox E2E took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 30_000);

  it('an approver decides one request in her inbox: that item shows decided in place, the others keep their buttons', async () => {
    for (const [role, ticket] of [
      ['Global Administrator', 'CHG-3001'],
      ['Security Administrator', 'CHG-3002'],
    ] as const) {
      await adele.say(`activate ${role} 1h ${ticket} inbox check`);
      const confirm = adele.card('Activate this?', role);
      await adele.expectVisible(confirm, `the confirmation card for ${role}`);
      await adele.click(confirm, 'Activate');
      await adele.expectVisible(adele.card('Waiting for approval', role), `"Waiting for approval" for ${role}`);
      await megan.expectVisible(megan.card('Approval needed', role, ticket), `the approval card for ${role}`);
    }
    await phoneShot('21-phone-status-waiting', adele.card('Waiting for approval', 'Security Administrator'));
    await phoneShot('22-phone-approval-card', megan.card('Approval needed', 'Security Administrator'));

    await megan.say('pending');
    const inbox = megan.card('Waiting for your approval', 'Global Administrator', 'Security Administrator');
    await megan.expectVisible(inbox, 'her inbox card with both requests');
    expect(await inbox.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(2);
    await megan.screenshot('20-inbox-before', inbox);
    await phoneShot('20-phone-inbox', inbox);

    // The first item on the card (the order is the inbox's): approve it there.
    const firstApprove = inbox.getByRole('button', { name: 'Approve', exact: true }).first();
    await firstApprove.click();
    const decided = megan.card('Waiting for your approval', 'Approved by you');
    await megan.expectVisible(decided, 'the inbox card with the decided item marked in place');
    const text = await megan.textOf(decided);
    // Both requests still on the card: the decided one marked, the other one still open with its buttons.
    expect(text).toContain('Global Administrator');
    expect(text).toContain('Security Administrator');
    expect(await decided.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(1);
    expect(await decided.getByRole('button', { name: 'Deny', exact: true }).count()).toBe(1);
    await phoneShot('23-phone-inbox-one-decided', decided);

    // PIM has the decision: one of Adele's requests turned Active, approved by Megan (read back from PIM).
    const active = adele.card('Active', 'Approved by Megan Bowen');
    await adele.expectVisible(active, 'one of her requests turn Active, approved by Megan Bowen', 30_000);
    expect(await adele.countCards('Waiting for approval')).toBe(1);
    await phoneShot('24-phone-status-active', active);
  }, 180_000);

  it('the one-card activation form: pick a role, Next shapes it for its policy, Activate sends it, the form turns read-only', async () => {
    await adele.say('activate');
    const form = adele.card('Activate a role or group', 'Role or group');
    await adele.expectVisible(form, 'the activation form');
    await adele.choose(form, 'Role or group', 'Exchange Administrator');
    await adele.click(form, 'Next');
    // Exchange Administrator's policy (demo tenant): at most 8 hours, a justification, no ticket, no approval.
    const shaped = adele.card('Activate a role or group', 'How long (up to 8 hours)', 'Justification');
    await adele.expectVisible(shaped, 'the form shaped for Exchange Administrator');
    expect(await adele.textOf(shaped)).not.toMatch(/ticket number/i);
    await adele.screenshot('26-activation-form', shaped);
    await phoneShot('26-phone-activation-form', shaped);
    await shaped.getByLabel('Justification').fill('mailbox migration (form E2E)');
    await adele.click(shaped, 'Activate');
    const submitted = adele.card('Activation requested', 'Exchange Administrator', 'mailbox migration (form E2E)');
    await adele.expectVisible(submitted, 'the form turned read-only in place');
    expect(await submitted.getByRole('button').count()).toBe(0);
    expect(await adele.countCards('Activate a role or group')).toBe(0);
    const active = adele.card('Active', 'Exchange Administrator');
    await adele.expectVisible(active, 'the status card for Exchange Administrator turn Active', 30_000);
    await phoneShot('27-phone-form-submitted', submitted);
  }, 90_000);

  it('a German-locale user (activity locale de-DE) gets the help card in German', async () => {
    const help = de('help').card!;
    const base = new URL(demo!.playgroundUrl).origin;
    // The personal chat's conversation id, from the page's own state (the message template needs it).
    const config = (await (await fetch(`${base}/_internal/v1/config`)).json()) as Record<string, unknown>;
    const conversationId = JSON.stringify(config).match(/"id":"([^"]*personal[^"]*)"/i)?.[1];
    expect(
      conversationId,
      `no personal conversation id in the Playground config: ${JSON.stringify(config).slice(0, 400)}`,
    ).toBeTruthy();
    const template = await fetch(
      `${base}/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(conversationId!)}`,
    );
    expect(
      template.status,
      `template for ${conversationId}: ${await template.clone().text()}; config: ${JSON.stringify(config).slice(0, 600)}`,
    ).toBe(200);
    const activity = (await template.json()) as Record<string, unknown>;
    const res = await fetch(`${base}/_internal/v1/customActivities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...activity,
        type: 'message',
        text: 'help',
        locale: 'de-DE',
        entities: [{ type: 'clientInfo', locale: 'de-DE' }],
      }),
    });
    expect(res.status).toBe(200);
    const card = adele.card(help.title!, help.myRoles!);
    await adele.expectVisible(card, `the German help card ("${help.myRoles}")`, 30_000);
    expect(await adele.textOf(card)).toContain(help.activeNow!);
    await adele.screenshot('25-german-help', card);
    await phoneShot('25-phone-german-help', card);
  }, 60_000);
});
