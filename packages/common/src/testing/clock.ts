import type { Clock } from '../dependencies';

/** The time every fake clock of the test kit answers. */
export const FIXED_NOW = new Date('2026-11-22T12:00:00.000Z');

/** A `clock` dependency that always answers `now`. */
export const fixedClock =
  (now: Date = FIXED_NOW): Clock =>
  () =>
    now;
