import type { Activity } from 'botbuilder';
import type { DialogInstance, DialogState } from 'botbuilder-dialogs';
import { beforeEach, describe, expect, it } from 'vitest';
import { MainDialog } from '../../dialogs/main-dialog';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import type { PimTestStack } from '../support/pim-stack';
import { type Chat, chatWith, useDialogWorld } from './dialog-fixture';

/**
 * Issue 15, "Interruptions" with "One card instead of five turns": on Teams `activate` without details waits on
 * the activation form, and what is typed meanwhile is read like at any prompt. Help, roles, active answer and
 * the form comes back below the answer (shaped for the role it was shaped for, values kept), so the user does not
 * scroll up to find it; a new `activate …` replaces it and says so; cancel ends it; anything else is not taken as
 * an answer (the form is answered by its buttons).
 */

const { requester: adele } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

const FORM = 'activateRole.form';
const key = (roleDefinitionId: string, scope = '/') => `role:${roleDefinitionId}:${scope}`;

function waitingDialog(c: Chat): string | undefined {
  let stackOf: DialogInstance[] | undefined = c.client.dialogContext.stack;
  let id: string | undefined;
  while (stackOf?.length) {
    const top: DialogInstance = stackOf.at(-1)!;
    id = top.id;
    stackOf = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
  }
  return id;
}

type Json = Record<string, unknown>;
const formCard = (r: Partial<Activity> | undefined): Json | undefined => {
  const card = r?.attachments?.[0]?.content as Json | undefined;
  return JSON.stringify(card ?? {}).includes('"pimbot":"activationForm') ? card : undefined;
};
const formAction = (r: Partial<Activity> | undefined, pimbot: string) =>
  cardActions(r ?? {}).find((a) => a.data?.pimbot === pimbot)?.data;
function inputIds(card: Json | undefined): string[] {
  const ids: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Json;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') ids.push(o.id);
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return ids;
}
const activations = () =>
  t.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id && r.action === 'selfActivate');

async function formWaiting(): Promise<{ c: Chat; first: Partial<Activity> }> {
  const c = chatWith(new MainDialog(world.services()), { command: { type: 'activate' } }, adele, world);
  const replies = await c.send('go');
  const first = replies.find((r) => formCard(r));
  expect(first, 'the form card').toBeDefined();
  expect(waitingDialog(c)).toBe(FORM);
  return { c, first: first! };
}

describe('while the activation form waits (Teams)', () => {
  it.each([
    ['help', /Here is what I can do/],
    ['roles', /User Administrator/],
    ['active', /Nothing is active for you/],
  ])('"%s" is answered, then the form comes again below the answer', async (typed, answer) => {
    const { c } = await formWaiting();
    const replies = await c.send(typed);
    expect(visibleText(replies[0])).toMatch(answer);
    expect(formCard(replies.at(-1)), 'the form again, last').toBeDefined();
    expect(waitingDialog(c)).toBe(FORM);
  });

  it('the form asked again keeps the role it was shaped for and what was typed into it', async () => {
    const { c, first } = await formWaiting();
    // Next with Global Administrator (approval + ticket) and a justification already typed.
    const shaped = await c.send({
      ...formAction(first, 'activationFormRole'),
      role: key(demoRoles.globalAdministrator),
      justification: 'conditional access change',
    });
    const shapedCard = formCard(shaped.at(-1));
    expect(inputIds(shapedCard)).toEqual(expect.arrayContaining(['duration', 'justification', 'ticket']));
    const again = formCard((await c.send('help')).at(-1));
    expect(inputIds(again)).toEqual(expect.arrayContaining(['duration', 'justification', 'ticket']));
    expect(JSON.stringify(again)).toContain('conditional access change');
    expect(JSON.stringify(again)).toContain(key(demoRoles.globalAdministrator));
  });

  it('the form still submits after an interruption: one activation reaches PIM', async () => {
    const { c, first } = await formWaiting();
    await c.send({ ...formAction(first, 'activationFormRole'), role: key(demoRoles.reportsReader) });
    const again = (await c.send('help')).at(-1);
    expect(activations()).toHaveLength(0);
    await c.send({ ...formAction(again, 'activationForm'), role: key(demoRoles.reportsReader), duration: '60' });
    expect(activations()).toHaveLength(1);
    expect(activations()[0]?.roleDefinitionId).toBe(demoRoles.reportsReader);
  });

  it('"cancel" ends it: nothing is submitted', async () => {
    const { c } = await formWaiting();
    const replies = await c.send('cancel');
    expect(replies.map(visibleText)).toEqual(['Cancelled. Nothing was submitted.']);
    expect(waitingDialog(c)).toBeUndefined();
    expect(activations()).toHaveLength(0);
  });

  it('"activate User Administrator" replaces the form and says so, then asks only what is missing', async () => {
    const { c } = await formWaiting();
    const seen = (await c.send('activate User Administrator')).map(visibleText);
    expect(seen[0]).toBe('I dropped your unfinished request; starting User Administrator.');
    expect(seen.slice(1).join('\n')).toMatch(/How long do you need User Administrator\?/);
    expect(waitingDialog(c)).toBe('activate.duration');
  });

  it('text that is no command is not taken as an answer: the form waits for its buttons', async () => {
    const { c } = await formWaiting();
    const replies = await c.send('Reports Reader for an hour please');
    expect(replies.map(visibleText)).toEqual(['Fill in the form above and click Activate, or say cancel.']);
    expect(waitingDialog(c)).toBe(FORM);
    expect(activations()).toHaveLength(0);
  });
});
