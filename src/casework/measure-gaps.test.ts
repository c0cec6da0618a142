import { describe, expect, it } from 'vitest';
import { measureGapsOf, namedOrganizationIds } from './measure-gaps.js';

const HOME_CARE = '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const known = new Set([HOME_CARE]);

describe('measureGapsOf', () => {
  it.each([
    ['a complete measure', { id: 'm', organizationId: HOME_CARE, evaluateBy: '2027-01-15' }, []],
    ['an entry just created', { id: 'm' }, ['RESPONSIBLE_UNIT', 'EVALUATE_BY']],
    ['no date', { id: 'm', organizationId: HOME_CARE }, ['EVALUATE_BY']],
    ['an impossible date', { id: 'm', organizationId: HOME_CARE, evaluateBy: '2026-02-31' }, ['EVALUATE_BY']],
    ['no unit', { id: 'm', organizationId: null, evaluateBy: '2027-01-15' }, ['RESPONSIBLE_UNIT']],
    ['a unit nobody knows', { id: 'm', organizationId: '00000000-0000-4000-8000-000000000000', evaluateBy: '2027-01-15' }, ['RESPONSIBLE_UNIT']],
    ['a unit that is no id', { id: 'm', organizationId: 'home care', evaluateBy: '2027-01-15' }, ['RESPONSIBLE_UNIT']],
    ['a known unit written in capitals', { id: 'm', organizationId: HOME_CARE.toUpperCase(), evaluateBy: '2027-01-15' }, []],
    ['a running measure', { id: 'm', status: 'ONGOING' }, ['RESPONSIBLE_UNIT', 'EVALUATE_BY']],
  ])('%s', (_what, measure, missing) => {
    expect(measureGapsOf([measure], known)).toEqual(missing.length ? [{ measureId: 'm', missing }] : []);
  });

  it('leaves out finished measures, entries without a usable id, and what is no entry', () => {
    const measures = [{ id: 'a', status: 'DONE' }, { id: 'b', status: 'STOPPED' }, { title: 'no id' }, { id: 'x'.repeat(201) }, null, 'text', 7];
    expect(measureGapsOf(measures, known)).toEqual([]);
    expect(measureGapsOf('not a list', known)).toEqual([]);
  });

  it('asks the database only about ids that could name an organisation', () => {
    expect(namedOrganizationIds([{ organizationId: HOME_CARE }, { organizationId: 'home care' }, { organizationId: 7 }, {}])).toEqual([HOME_CARE]);
  });
});
