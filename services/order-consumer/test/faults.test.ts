import { orderRecordAttributes, sqsRecord } from '@order-pipeline/common/testing';
import type { SQSMessageAttribute } from 'aws-lambda';
import { SimulatedCrashError, TransientError } from '../src/errors';
import { chaosFaultOf, chaosFaults } from '../src/faults';

const withChaos = (chaos: SQSMessageAttribute | undefined) =>
  sqsRecord({ messageAttributes: { ...orderRecordAttributes(7), ...(chaos ? { chaos } : {}) } });
const chaosString = (stringValue: string) => withChaos({ dataType: 'String', stringValue });

describe('chaosFaultOf()', () => {
  it.each([
    ['transient:2', { kind: 'transient', untilReceive: 2 }],
    ['transient:0', { kind: 'transient', untilReceive: 0 }],
    ['crash', { kind: 'crash' }],
  ])('reads the String attribute chaos=%s', (value, fault) => {
    expect(chaosFaultOf(chaosString(value))).toEqual(fault);
  });

  it.each(['transient', 'transient:-1', 'transient:x', 'explode', ''])(
    'ignores the unknown value "%s"',
    (value) => {
      expect(chaosFaultOf(chaosString(value))).toBeUndefined();
    },
  );

  it('ignores a chaos attribute that is not a String, and a record without one', () => {
    expect(chaosFaultOf(withChaos({ dataType: 'Number', stringValue: '1' }))).toBeUndefined();
    expect(chaosFaultOf(withChaos(undefined))).toBeUndefined();
  });
});

describe('chaosFaults.inject()', () => {
  it('throws a transient error while the receive count is at most N, and nothing after', () => {
    const record = chaosString('transient:2');

    expect(() => chaosFaults.inject(record, 1)).toThrow(TransientError);
    expect(() => chaosFaults.inject(record, 2)).toThrow(TransientError);
    expect(() => chaosFaults.inject(record, 3)).not.toThrow();
  });

  it('throws a simulated crash on every receive', () => {
    expect(() => chaosFaults.inject(chaosString('crash'), 1)).toThrow(SimulatedCrashError);
    expect(() => chaosFaults.inject(chaosString('crash'), 9)).toThrow(SimulatedCrashError);
  });

  it('leaves a record without chaos alone', () => {
    expect(() => chaosFaults.inject(withChaos(undefined), 1)).not.toThrow();
  });
});
