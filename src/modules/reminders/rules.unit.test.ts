import { describe, expect, it } from 'vitest';
import { addDays, addMonths, feeDueRange, notStartedKind, numbersExpiringOn, rejectedRange, TOPIC_OF, tokyoDayStart } from './rules';

const cycle = { window_opens_on: '2026-04-01', window_closes_on: '2027-01-31' };

describe('calendar arithmetic', () => {
  it('moves by days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
  it('moves by months and keeps the day inside the month', () => {
    expect(addMonths('2027-01-31', -1)).toBe('2026-12-31');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addMonths('2028-03-31', -1)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
  it('starts a Tokyo day at 15:00 UTC of the day before', () => {
    expect(tokyoDayStart('2026-12-01').toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });
});

describe('not started: a month and a week before the application deadline', () => {
  it('sends nothing more than a month before the deadline', () => {
    expect(notStartedKind(cycle, '2026-12-30')).toBeNull();
    expect(notStartedKind(cycle, '2026-09-01')).toBeNull();
  });
  it('sends the month reminder from a month before until the week reminder takes over', () => {
    expect(notStartedKind(cycle, '2026-12-31')).toBe('not_started_month');
    expect(notStartedKind(cycle, '2027-01-23')).toBe('not_started_month');
  });
  it('sends the week reminder from seven days before up to the deadline itself', () => {
    expect(notStartedKind(cycle, '2027-01-24')).toBe('not_started_week');
    expect(notStartedKind(cycle, '2027-01-31')).toBe('not_started_week');
  });
  it('sends nothing once the window has closed, nor before it opens', () => {
    expect(notStartedKind(cycle, '2027-02-01')).toBeNull();
    expect(notStartedKind({ window_opens_on: '2027-01-28', window_closes_on: '2027-01-31' }, '2027-01-27')).toBeNull();
    expect(notStartedKind({ window_opens_on: '2027-01-28', window_closes_on: '2027-01-31' }, '2027-01-28')).toBe('not_started_week');
  });
});

describe('the other windows', () => {
  it('reminds of a renewal fee due within the next seven days, the due date included', () => {
    expect(feeDueRange('2027-02-21')).toEqual({ from: '2027-02-21', to: '2027-02-28' });
  });
  it('reminds of numbers on the day before they expire', () => {
    expect(numbersExpiringOn('2026-11-30')).toBe('2026-12-01');
    expect(numbersExpiringOn('2026-12-31')).toBe('2027-01-01');
  });
  it('reminds of a self-report rejected seven (up to fourteen) days ago', () => {
    expect(rejectedRange('2026-12-08')).toEqual({ from: '2026-11-24', to: '2026-12-01' });
  });
  it('lets members switch off only the nudges, never what is owed', () => {
    expect(Object.entries(TOPIC_OF).filter(([, topic]) => topic === null).map(([kind]) => kind).sort()).toEqual(['numbers_expiring', 'renewal_fee_due']);
  });
});
