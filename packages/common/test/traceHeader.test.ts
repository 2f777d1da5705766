import {
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseTraceHeader,
  tryParseTraceHeader,
} from '../src/tracing';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

describe('parseTraceHeader()', () => {
  it('round-trips a valid header', () => {
    expect(formatTraceHeader(parseTraceHeader(HEADER))).toBe(HEADER);
  });

  it('reads Root, Parent and Sampled', () => {
    expect(parseTraceHeader(HEADER)).toEqual({
      root: '1-5759e988-bd862e3fe1be46a994272793',
      parent: '53995c3f42cd8ad8',
      sampled: '1',
    });
  });

  it('reads the fields alike in any order and spacing, and with Parent or Sampled left out', () => {
    expect(
      parseTraceHeader('Sampled=1; Parent=53995c3f42cd8ad8 ;Root=1-5759e988-bd862e3fe1be46a994272793'),
    ).toEqual(parseTraceHeader(HEADER));
    expect(parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0')).toEqual({
      root: '1-5759e988-bd862e3fe1be46a994272793',
      sampled: '0',
    });
    expect(parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8')).toEqual({
      root: '1-5759e988-bd862e3fe1be46a994272793',
      parent: '53995c3f42cd8ad8',
    });
  });

  it('drops fields it does not forward, such as Lineage', () => {
    expect(parseTraceHeader(`${HEADER};Lineage=a87bd80c:1|68fd508a:5`)).toEqual(parseTraceHeader(HEADER));
  });

  it.each([
    ['no Root', 'Parent=53995c3f42cd8ad8;Sampled=1'],
    ['a short Root', 'Root=1-5759e988-bd862e3f'],
    ['a wrong version', 'Root=2-5759e988-bd862e3fe1be46a994272793'],
    ['upper-case hex', 'Root=1-5759E988-bd862e3fe1be46a994272793'],
    ['a short Parent', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c'],
    ['a bad Sampled', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=yes'],
    ['a field without =', 'Root=1-5759e988-bd862e3fe1be46a994272793;garbage'],
    ['a repeated Root', `${HEADER};Root=1-5759e988-bd862e3fe1be46a994272793`],
    ['an injected newline', 'Root=1-5759e988-bd862e3fe1be46a994272793\nX: y'],
    ['a huge header', `${HEADER};${'x=y;'.repeat(100)}`],
  ])('rejects %s', (_label, header) => {
    expect(() => parseTraceHeader(header)).toThrow();
    expect(tryParseTraceHeader(header)).toBeUndefined();
  });
});

describe('formatTraceHeader()', () => {
  it('refuses to format a malformed header', () => {
    expect(() => formatTraceHeader({ root: 'nope' })).toThrow('Root');
  });
});

describe('newTraceId()', () => {
  it('makes a valid Root carrying the epoch second', () => {
    const id = newTraceId(new Date(0x5759e988 * 1000));

    expect(id).toMatch(/^1-5759e988-[0-9a-f]{24}$/);
    expect(() => parseTraceHeader(`Root=${id};Parent=${newSegmentId()}`)).not.toThrow();
  });

  it('makes a different id each time', () => {
    expect(newTraceId()).not.toBe(newTraceId());
  });
});
