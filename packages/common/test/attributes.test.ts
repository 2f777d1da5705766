import {
  buildOrderAttributes,
  MessageAttributeError,
  outgoingAttributeValue,
  readOrderAttributes,
  toOutgoingAttributes,
  validateMessageAttributes,
} from '../src';

const text = (value: string) => ({ DataType: 'String', StringValue: value });

describe('buildOrderAttributes()', () => {
  it('builds the four contract attributes with SQS data types', () => {
    const attributes = buildOrderAttributes({ storeId: 42, correlationId: 'c-1', producer: 'ingest-api' });

    expect(attributes).toEqual({
      store_id: { DataType: 'Number', StringValue: '42' },
      content_type: text('application/json; schema=order.v1'),
      correlation_id: text('c-1'),
      producer: text('ingest-api'),
    });
  });

  it('adds redrive_count only when given', () => {
    const attributes = buildOrderAttributes({
      storeId: 1,
      correlationId: 'c',
      producer: 'p',
      redriveCount: 2,
    });

    expect(attributes.redrive_count).toEqual({ DataType: 'Number', StringValue: '2' });
  });

  it('refuses an empty correlation id', () => {
    expect(() => buildOrderAttributes({ storeId: 1, correlationId: '', producer: 'p' })).toThrow(
      MessageAttributeError,
    );
  });
});

describe('validateMessageAttributes()', () => {
  it.each([
    ['AWS.trace', 'reserved'],
    ['amazon.x', 'reserved'],
    ['.lead', 'period'],
    ['trail.', 'period'],
    ['dou..ble', 'period'],
    ['spa ce', 'A-Z'],
    ['', 'A-Z'],
  ])('refuses the name %p', (name, fragment) => {
    expect(() => validateMessageAttributes({ [name]: text('v') })).toThrow(fragment);
  });

  it('accepts names with letters, digits, underscore, hyphen and inner periods', () => {
    expect(() => validateMessageAttributes({ 'a.b-c_D9': text('v') })).not.toThrow();
  });

  it('refuses more than ten attributes', () => {
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text('v')]));

    expect(() => validateMessageAttributes(eleven)).toThrow('at most 10');
  });

  it.each(['Float', 'string', 'Number.'])('refuses the data type %p', (dataType) => {
    expect(() => validateMessageAttributes({ a: { DataType: dataType, StringValue: '1' } })).toThrow(
      'data type',
    );
  });

  it('accepts custom data type suffixes', () => {
    expect(() =>
      validateMessageAttributes({ a: { DataType: 'Number.int', StringValue: '1' } }),
    ).not.toThrow();
  });

  it.each(['abc', '1e', '--1', '1'.repeat(39)])('refuses the number %p', (value) => {
    expect(() => validateMessageAttributes({ a: { DataType: 'Number', StringValue: value } })).toThrow(
      'number',
    );
  });

  it('refuses empty values and empty binaries', () => {
    expect(() => validateMessageAttributes({ a: text('') })).toThrow('non-empty');
    expect(() =>
      validateMessageAttributes({ a: { DataType: 'Binary', BinaryValue: new Uint8Array() } }),
    ).toThrow('non-empty');
  });
});

describe('outgoingAttributeValue()', () => {
  it('maps numbers, bytes and strings to SQS types', () => {
    expect(outgoingAttributeValue(3)).toEqual({ DataType: 'Number', StringValue: '3' });
    expect(outgoingAttributeValue(new Uint8Array([1]))).toEqual({
      DataType: 'Binary',
      BinaryValue: new Uint8Array([1]),
    });
    expect(outgoingAttributeValue('x')).toEqual(text('x'));
  });
});

describe('readOrderAttributes()', () => {
  it('turns Lambda record attributes into typed values', () => {
    const read = readOrderAttributes({
      store_id: { dataType: 'Number', stringValue: '42' },
      correlation_id: { dataType: 'String', stringValue: 'c-1' },
      producer: { dataType: 'String', stringValue: 'ingest-api' },
      content_type: { dataType: 'String', stringValue: 'application/json; schema=order.v1' },
      redrive_count: { dataType: 'Number', stringValue: '1' },
    });

    expect(read).toEqual({
      storeId: 42,
      correlationId: 'c-1',
      producer: 'ingest-api',
      contentType: 'application/json; schema=order.v1',
      redriveCount: 1,
    });
  });

  it('leaves absent attributes absent', () => {
    expect(readOrderAttributes({})).toEqual({});
    expect(readOrderAttributes(undefined)).toEqual({});
  });

  it('refuses a store_id sent as a String', () => {
    expect(() => readOrderAttributes({ store_id: { dataType: 'String', stringValue: '42' } })).toThrow(
      'must be a Number',
    );
  });

  it('refuses a store_id that is not numeric', () => {
    expect(() => readOrderAttributes({ store_id: { dataType: 'Number', stringValue: 'x' } })).toThrow(
      'not a number',
    );
  });
});

describe('toOutgoingAttributes()', () => {
  it('converts received attributes back to the shape SendMessage takes', () => {
    const outgoing = toOutgoingAttributes({
      store_id: { dataType: 'Number', stringValue: '42' },
      blob: { dataType: 'Binary', binaryValue: Buffer.from([1, 2]).toString('base64') },
    });

    expect(outgoing).toEqual({
      store_id: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]) },
    });
  });
});
