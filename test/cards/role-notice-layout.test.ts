// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { describe, expect, it } from 'vitest';
import { expiryWarningCard, type QueuedActivationCardModel, queuedActivationCard } from '../../cards';
import { noticeNote, roleNoticeTemplate } from '../../cards/role-notice-layout';
import { expandCard } from '../../cards/template';
import { assertValidCard, findById, hasId } from './card-validation';
import { normalExpiryWarning } from './fixtures';

/**
 * The layout the expiry warning and the queued activation share. Container styles and TextBlock
 * properties are those of the Adaptive Cards 1.5 schema (test/cards/schema); `msteams.width: 'Full'` is
 * Teams' full-width extension.
 */
/** The activation queued to follow the one the warning is about: same role and request, starting as it ends. */
const queued: QueuedActivationCardModel = {
  state: 'queued',
  targetName: normalExpiryWarning.targetName,
  startsAtText: normalExpiryWarning.endsAtText,
  durationText: '2 hours',
  requestId: normalExpiryWarning.requestId,
  targetKey: normalExpiryWarning.targetKey,
};

function header(card: unknown, prefix: string) {
  const container = findById(card, `${prefix}-header`);
  const title = findById(card, `${prefix}-title`);
  const target = findById(card, `${prefix}-target`);
  return { container, title, target };
}

describe('role notice layout', () => {
  it('both notices open with a full-width bleeding header: the heading, then the role in bold right under it', () => {
    const cards = [
      { card: expiryWarningCard(normalExpiryWarning), prefix: 'expiry' },
      { card: queuedActivationCard(queued), prefix: 'queued' },
    ];
    for (const { card, prefix } of cards) {
      assertValidCard(card);
      expect(card.msteams).toEqual({ width: 'Full' });
      const { container, title, target } = header(card, prefix);
      expect(card.body[0]).toBe(container);
      expect(container).toMatchObject({ type: 'Container', bleed: true });
      expect(container.items).toEqual([title, target]);
      expect(title).toMatchObject({ type: 'TextBlock', style: 'heading', size: 'large', wrap: true });
      expect(target).toMatchObject({ type: 'TextBlock', weight: 'bolder', spacing: 'none', wrap: true });
      expect(target.text).toBe('Exchange Administrator');
    }
  });

  it("the expiry warning's header is in warning colours; the queued one's follows its state", () => {
    const expiry = header(expiryWarningCard(normalExpiryWarning), 'expiry');
    expect(expiry.container.style).toBe('warning');
    expect(expiry.title.color).toBe('warning');
    const style = (state: QueuedActivationCardModel['state']) =>
      header(queuedActivationCard({ ...queued, state }), 'queued').container.style;
    expect([style('queued'), style('submitting'), style('failed'), style('offered')]).toEqual([
      'accent',
      'accent',
      'attention',
      'default',
    ]);
    expect(header(queuedActivationCard(queued), 'queued').title).not.toHaveProperty('color');
  });

  it('the note is a small subtle line after the body, and only while its condition holds', () => {
    const template = roleNoticeTemplate({
      idPrefix: 'demo',
      headerStyle: 'accent',
      body: [{ type: 'TextBlock', id: 'demo-text', text: 'Body', wrap: true }, noticeNote('demo-note', '${show}')],
      actions: [],
    });
    const data = { title: 'Title', targetName: 'Role', note: 'Why.' };
    const shown = expandCard(template, { ...data, show: true });
    assertValidCard(shown);
    expect(shown.body.map((element) => element.id)).toEqual(['demo-header', 'demo-text', 'demo-note']);
    expect(findById(shown, 'demo-note')).toEqual({
      type: 'TextBlock',
      id: 'demo-note',
      text: 'Why.',
      isSubtle: true,
      size: 'small',
      wrap: true,
    });
    expect(shown).not.toHaveProperty('actions');
    expect(hasId(expandCard(template, { ...data, show: false }), 'demo-note')).toBe(false);
  });
});
