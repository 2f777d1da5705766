import {
  containsPersonalData,
  isCardNumber,
  isIban,
  isPersonalKey,
  isSafeCorrelationId,
  MASK,
  maskPersonalData,
  maskText,
  normaliseKey,
  safeOrderId,
} from '../src';
import { anOrder } from '../src/testing';

describe('normaliseKey()', () => {
  it.each([
    ['full_nm', 'fullname'],
    ['addr_ln_1', 'addressline1'],
    ['zip_cd', 'postalcodecode'],
    ['CUST_NAME', 'customername'],
    ['birthDt', 'birthdate'],
    ['ssn_no', 'ssnnumber'],
  ])('normalises %s to %s', (key, normalised) => {
    expect(normaliseKey(key)).toBe(normalised);
  });
});

describe('isPersonalKey()', () => {
  it.each([
    'name',
    'full_nm',
    'cust_name',
    'first_nm',
    'lastName',
    'ssn_no',
    'dob',
    'birth_dt',
    'mobile_no',
    'tel',
    'addr_ln_1',
    'zip_cd',
    'card_no',
    'pan',
    'iban',
    'tax_no',
    'passport_no',
    'e-mail',
    'national_id',
    'customerEmail',
  ])('takes %s for personal data', (key) => {
    expect(isPersonalKey(key)).toBe(true);
  });

  it.each([
    'sku',
    'orderId',
    'queueName',
    'service_name',
    'functionName',
    'errorName',
    'storeId',
    'taxCents',
    'createdAt',
    'correlationId',
  ])('takes %s for no personal data', (key) => {
    expect(isPersonalKey(key)).toBe(false);
  });

  it("judges a bare name by its parent: an error's, a queue's or an item's is no person's", () => {
    expect(isPersonalKey('name', { parentKey: 'error' })).toBe(false);
    expect(isPersonalKey('name', { parentKey: 'queue' })).toBe(false);
    expect(isPersonalKey('name', { parentKey: 'items' })).toBe(false);
    expect(isPersonalKey('name', { parentKey: 'customer' })).toBe(true);
    expect(isPersonalKey('name', { holder: { name: 'x', stack: 'Error: x' } })).toBe(false);
  });
});

describe('maskPersonalData()', () => {
  it('masks personal fields at any depth and keeps the rest', () => {
    const order = anOrder();

    const masked = maskPersonalData({ order, nested: [{ national_id: 'AB123456C' }] }) as {
      order: { customer: Record<string, unknown>; orderId: string; items: unknown };
      nested: Array<Record<string, unknown>>;
    };

    expect(masked.order.customer).toEqual({
      name: MASK,
      email: `a${MASK}@example.com`,
      phone: '+** ** **** **00',
      address: MASK,
    });
    expect(masked.order.orderId).toBe(order.orderId);
    expect(masked.order.items).toEqual(order.items);
    expect(masked.nested[0]?.national_id).toBe(MASK);
  });

  it("masks a legacy producer's fields with their shape kept", () => {
    expect(
      maskPersonalData({
        full_nm: 'Zebulon Quackenbush',
        ssn_no: '078-05-1120',
        dob: '1985-04-12',
        mobile_no: '+1 415 555 0123',
        addr_ln_1: '12 Elm St',
        card_no: '4111 1111 1111 1111',
        iban: 'DE89 3704 0044 0532 0130 00',
        tax_no: '12/345/67890',
      }),
    ).toEqual({
      full_nm: MASK,
      ssn_no: '***-**-1120',
      dob: '****-**-**',
      mobile_no: '+* *** *** **23',
      addr_ln_1: MASK,
      card_no: '****1111',
      iban: 'DE******3000',
      tax_no: '**/***/*7890',
    });
  });

  it("keeps an error's name, a queue's name and an ordinary sku, and masks a card or SSN put in a sku", () => {
    expect(
      maskPersonalData({
        error: { name: 'ConditionalCheckFailedException', message: 'no' },
        queue: { name: 'order-pipeline-local-orders' },
        items: [{ sku: 'TEA-001' }, { sku: '4111-1111-1111-1111' }, { sku: '078-05-1120' }],
      }),
    ).toEqual({
      error: { name: 'ConditionalCheckFailedException', message: 'no' },
      queue: { name: 'order-pipeline-local-orders' },
      items: [{ sku: 'TEA-001' }, { sku: '****1111' }, { sku: '***-**-1120' }],
    });
  });

  it('turns an Error into plain data with its name kept', () => {
    expect(maskPersonalData(new RangeError('card 5500 0055 5555 5559'))).toMatchObject({
      name: 'RangeError',
      message: 'card ****5559',
    });
  });
});

describe('maskText()', () => {
  it.each([
    ['mail ada@example.com failed', 'mail a***@example.com failed'],
    ['SSN 078051120 on file', 'SSN *****1120 on file'],
    ['id 078-05-1120', 'id ***-**-1120'],
    ['DOB: 12/04/1985', 'DOB: **/**/****'],
    ['mobile 07700900123', 'mobile *********23'],
    ['call (415) 555-0123 now', 'call (***) ***-**23 now'],
    ['card 4111-1111-1111-1111 declined', 'card ****1111 declined'],
    ['pay to GB82 WEST 1234 5698 7654 32', 'pay to GB******5432'],
    ['full_nm=Zeb Quackenbush&sku=TEA-1', 'full_nm=***&sku=TEA-1'],
    ['{"cust_name":"Ada","orderId":"o-1"}', '{"cust_name":"***","orderId":"o-1"}'],
  ])('masks %j as %j', (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it.each([
    'order processed',
    '2026-11-25T21:37:47.123Z',
    '1-5759e988-bd862e3fe1be46a994272793',
    'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    '9b2f0e4a-3c1d-4e5f-8a7b-6c5d4e3f2a1b',
    'epoch 1700000000000',
    'store 7 is not open',
    'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders',
    'invalid order: items.0.quantity: Too small: expected number to be >=1',
    '4111111111111112',
    'GB00WEST12345698765432',
  ])('leaves %j as it is', (text) => {
    expect(maskText(text)).toBe(text);
  });
});

describe('isCardNumber(), isIban() and isSafeCorrelationId()', () => {
  const PREDICATES = { isCardNumber, isIban, isSafeCorrelationId };

  it.each<[keyof typeof PREDICATES, string, boolean]>([
    ['isCardNumber', '4111 1111 1111 1111', true],
    ['isCardNumber', '4111 1111 1111 1112', false],
    ['isCardNumber', '1700000000006', false],
    ['isIban', 'DE89370400440532013000', true],
    ['isIban', 'DE88370400440532013000', false],
    ['isSafeCorrelationId', 'ssn:078-05-1120', false],
    ['isSafeCorrelationId', 'ada@example.com', false],
    ['isSafeCorrelationId', '4111111111111111', false],
    ['isSafeCorrelationId', 'corr-0001', true],
    ['isSafeCorrelationId', '9b2f0e4a-3c1d-4e5f-8a7b-6c5d4e3f2a1b', true],
  ])(
    '%s(%j) is %s: numbers must pass their checks, a correlation id must carry no personal data',
    (predicate, text, expected) => {
      expect(PREDICATES[predicate](text)).toBe(expected);
    },
  );
});

describe('safe ids', () => {
  it('withholds an order id that is a card number', () => {
    expect(safeOrderId('4111111111111111')).toBeUndefined();
    expect(safeOrderId('ord-1')).toBe('ord-1');
    expect(containsPersonalData('ord-1')).toBe(false);
  });
});
