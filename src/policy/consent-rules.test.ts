import { describe, expect, it } from 'vitest';
import { consentStanding, followUpClosesAt, followUpEndsAt, speaksForPerson, type PlanConsents } from './consent-rules.js';

/* Who still reads a plan after it has ended (docs/consent.md, "After the plan has ended"). */

const endedAt = new Date('2027-03-10T12:00:00Z');
const consents = (planConsentLapsed = false): PlanConsents => ({
  participating: new Set(['provider', 'coordinator']),
  confidential: new Set(['provider', 'coordinator']),
  planConsentLapsed,
});
const at = (now: string, readDays = 90) => ({ endedAt, readDays, now: new Date(now) });
const provider = { id: 'provider', role: 'PROVIDER', guardianshipHolds: false } as const;
const owner = { id: 'owner', role: 'OWNER', guardianshipHolds: false } as const;
const guardian = { id: 'guardian', role: 'GUARDIAN', guardianshipHolds: true } as const;
const ROLES = ['OWNER', 'GUARDIAN', 'COORDINATOR', 'PROVIDER', 'RELATIVE'] as const;
const FULL = { takesPart: true, readsContent: true };
const NOTHING = { takesPart: false, readsContent: false };

describe('an ended plan', () => {
  it('the window counts Oslo calendar days: 90 days after 10 March 13:00 Oslo is 8 June 13:00 Oslo, across the summer-time change', () => {
    expect(followUpEndsAt(endedAt, 90).toISOString()).toBe('2027-06-08T11:00:00.000Z');
    expect(followUpEndsAt(endedAt, 0)).toEqual(endedAt);
  });

  it('others with current consent read it during the window, and nothing from its close on', () => {
    expect(consentStanding(provider, 'ENDED', consents(), at('2027-06-08T10:59:59Z'))).toEqual(FULL);
    expect(consentStanding(provider, 'ENDED', consents(), at('2027-06-08T11:00:00Z'))).toEqual(NOTHING);
    expect(followUpClosesAt('ENDED', consents(), at('2027-04-01T00:00:00Z'))).toEqual(new Date('2027-06-08T11:00:00Z'));
    expect(followUpClosesAt('ENDED', consents(), at('2027-06-08T11:00:00Z'))).toBeNull();
  });

  it('a window of 0 days ends their access with the plan', () => {
    expect(consentStanding(provider, 'ENDED', consents(), at('2027-03-10T12:00:00Z', 0))).toEqual(NOTHING);
  });

  it("the person's consent to the plan withdrawn or run out closes the window at once", () => {
    expect(consentStanding(provider, 'ENDED', consents(true), at('2027-03-11T00:00:00Z'))).toEqual(NOTHING);
    expect(followUpClosesAt('ENDED', consents(true), at('2027-03-11T00:00:00Z'))).toBeNull();
  });

  it('without the window given, only the person and guardians read it (fails closed)', () => {
    expect(consentStanding(provider, 'ENDED', consents())).toEqual(NOTHING);
  });

  it('the person and their guardians always read it', () => {
    for (const who of [owner, guardian]) expect(consentStanding(who, 'ENDED', consents(true), at('2037-01-01T00:00:00Z', 0))).toEqual(FULL);
  });

  it('a participant without consent reads nothing, window or not', () => {
    expect(consentStanding({ id: 'relative', role: 'RELATIVE', guardianshipHolds: false }, 'ENDED', consents(), at('2027-03-11T00:00:00Z'))).toEqual(NOTHING);
  });

  it('a running plan has no window', () => {
    expect(consentStanding(provider, 'ACTIVE', consents(), at('2037-01-01T00:00:00Z', 0))).toEqual(FULL);
    expect(followUpClosesAt('ACTIVE', consents(), at('2027-03-11T00:00:00Z'))).toBeNull();
  });
});

describe('who speaks for the person', () => {
  it('the person and their guardian consent for the person; nobody else does', () => {
    expect(ROLES.filter(speaksForPerson)).toEqual(['OWNER', 'GUARDIAN']);
  });

  it('a guardian takes part by the guardianship alone: once it no longer holds, nothing, whatever consent they kept', () => {
    const former = { id: 'coordinator', role: 'GUARDIAN', guardianshipHolds: false } as const;
    for (const status of ['REQUESTED', 'ACTIVE', 'ENDED'] as const) {
      expect(consentStanding(former, status, consents(), at('2027-03-11T00:00:00Z'))).toEqual(NOTHING);
      expect(consentStanding({ ...former, guardianshipHolds: true }, status, consents(true), at('2037-01-01T00:00:00Z', 0))).toEqual(FULL);
    }
  });

  it('the guardianship decides nothing for other roles', () => {
    expect(consentStanding({ ...provider, guardianshipHolds: true }, 'ACTIVE', consents())).toEqual(FULL);
    expect(consentStanding({ id: 'relative', role: 'RELATIVE', guardianshipHolds: true }, 'ACTIVE', consents())).toEqual(NOTHING);
  });
});
