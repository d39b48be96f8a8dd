import { describe, expect, it } from 'vitest';
import { readSubscriptionArgs, readUnsubscribeArgs } from '../../src/commands/subscription-args';

/** What follows "subscribe" / "unsubscribe": the names as typed, and the details opt-in or opt-out. */

describe('readSubscriptionArgs: the subscribe variants of the deploy guide, and the opt-in', () => {
  it.each([
    ['', { filters: [] }],
    ['all roles', { filters: [] }],
    ['everything', { filters: [] }],
    ['Global Administrator, Exchange', { filters: ['Global Administrator', 'Exchange'] }],
    ['Global Administrator; Exchange and Helpdesk', { filters: ['Global Administrator', 'Exchange', 'Helpdesk'] }],
    ['with details', { filters: [], details: true }],
    ['all roles with details', { filters: [], details: true }],
    ['Exchange, Global Administrator with details', { filters: ['Exchange', 'Global Administrator'], details: true }],
    ['Exchange, with details.', { filters: ['Exchange'], details: true }],
    ['Exchange (with details)', { filters: ['Exchange'], details: true }],
    ['With Details: Exchange', { filters: ['Exchange'], details: true }],
    ['Exchange without details', { filters: ['Exchange'], details: false }],
    // A role whose name merely contains the words is a filter, not the opt-in.
    ['Details Reader', { filters: ['Details Reader'] }],
  ])('%j', (args, expected) => {
    expect(readSubscriptionArgs(args)).toEqual(expected);
  });
});

describe('readUnsubscribeArgs: one name, several, or all', () => {
  it.each([
    ['', []],
    ['all', []],
    ['everything', []],
    ['Exchange Administrator', ['Exchange Administrator']],
    ['GA, exch admin', ['GA', 'exch admin']],
    ['Global Administrator and Teams Administrator.', ['Global Administrator', 'Teams Administrator']],
  ])('%j', (args, expected) => {
    expect(readUnsubscribeArgs(args)).toEqual(expected);
  });
});
