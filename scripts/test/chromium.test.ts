import { CHROMIUM_CANDIDATES, findChromium } from './browser/chromium';

describe('findChromium()', () => {
  it('takes the first system Chromium it finds', () => {
    expect(findChromium({}, (path) => path === '/usr/bin/chromium-browser')).toBe(
      '/usr/bin/chromium-browser',
    );
  });

  it('takes CHROMIUM_PATH before any other', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, () => true)).toBe('/opt/chrome/chrome');
  });

  it('fails, saying how to install one, when there is none', () => {
    expect(() => findChromium({}, () => false)).toThrow(
      /no Chromium found \(looked at \/usr\/bin\/chromium, .*apt-get install -y chromium/,
    );
    expect(CHROMIUM_CANDIDATES).toContain('/usr/bin/chromium');
  });

  it('fails when CHROMIUM_PATH names nothing it can run', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chromium' }, () => false)).toThrow(
      'CHROMIUM_PATH=/nowhere/chromium is not an executable file',
    );
  });
});
