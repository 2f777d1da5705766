import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { buildOrderAttributes, STORE_STATUS, storesTable } from '@order-pipeline/common';
import { anOrder } from '@order-pipeline/common/testing';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { queueOf } from '@order-pipeline/local-aws/stack-file';
import { type Browser, chromium, type Page } from 'playwright-core';
import { POISON_ATTRIBUTES } from '../../produce/traffic';
import { type E2e, eventually, orderRequest, startE2e } from '../e2e/harness';
import { findChromium } from './chromium';

// The console page in a real headless Chromium against a whole local stack: orders and poison
// messages arrive, the Pipeline view's counts change, the dead letters appear, a closed store is
// opened and its dead letters redriven from the page, and the order is PROCESSED with its trace.
// Screenshots of each view go to SCREENSHOT_DIR (docs/screenshots, the README's, by default).

/** Where the screenshots go. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(REPO_ROOT, 'docs', 'screenshots');
/**
 * How long every service trusts a registry answer. The consumer must still hold store 9 for closed
 * while the order posted after its opening runs out of receives (about 10 s locally), and must have
 * forgotten it when the page redrives (see the redrive step).
 */
const STORE_CACHE_TTL_SECONDS = 45;
/** Seeded closed (packages/local-aws/src/seedStores.ts). */
const CLOSED_STORE = 9;

jest.setTimeout(600_000);

describe('the local console, in headless Chromium', () => {
  let e2e: E2e;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // Fails the suite (never skips it) when there is no browser: findChromium says how to get one.
    const executablePath = findChromium();
    e2e = await startE2e({
      env: { TRACING_BACKEND: 'xray', STORE_CACHE_TTL_SECONDS: String(STORE_CACHE_TTL_SECONDS) },
    });
    browser = await chromium.launch({
      executablePath,
      headless: true,
      // Chromium's sandbox refuses to run as root (CI runs .ci/run as root).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await mkdir(SCREENSHOT_DIR, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await e2e?.stop();
  });

  /** A view, chosen in the page's navigation. */
  const view = (name: string) =>
    page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();

  const screenshot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  /** The number in the row of `name` of a two-column table of counts (0 when it has no row). */
  const countIn = async (table: string, name: string): Promise<number> => {
    const row = page.locator(`#${table} tbody tr`).filter({ has: page.getByRole('rowheader', { name }) });
    if ((await row.count()) === 0) return 0;
    return Number(await row.locator('td').last().textContent());
  };

  const queueCell = async (queueId: string, column: number): Promise<string> =>
    (await page.locator(`#queues-table tr[data-queue="${queueId}"] td`).nth(column).textContent()) ?? '';

  /** Orders straight to SQS, delayed 20 s: long enough for the page to see them waiting. */
  const sendDelayed = async (storeIds: readonly number[]) => {
    for (const storeId of storeIds) {
      await e2e.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
          MessageBody: JSON.stringify(anOrder({ storeId })),
          MessageAttributes: buildOrderAttributes({ storeId, correlationId: 'browser', producer: 'browser' }),
          DelaySeconds: 20,
        }),
      );
    }
  };

  const deadLetterRow = (messageId: string) =>
    page.locator(`#dead-letters-table tr[data-message-id="${messageId}"]`);

  it('opens with the address pnpm start printed, and takes the token out of the address bar', async () => {
    const consoleUrl = e2e.stack.info.consoleUrl ?? '';
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+$/);

    await page.goto(consoleUrl);
    await page.locator('#services-table tr[data-service="order-consumer"]').waitFor();

    expect(page.url()).not.toContain('token');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Pipeline');
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents()).toEqual(
      ['Pipeline', 'Dead letters', 'Order'],
    );
    expect(await page.locator('#services-table tbody tr').count()).toBe(3);
  });

  it('is usable from the keyboard: a skip link first, then the views in order', async () => {
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Pipeline');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Dead letters');
  });

  it('shows the counts change as orders arrive: delayed messages, then processed orders', async () => {
    const processedBefore = await countIn('orders-table', 'PROCESSED');
    await sendDelayed([3, 5, 7]);
    for (const storeId of [2, 4]) {
      expect((await e2e.post('/orders', orderRequest(storeId))).status).toBe(202);
    }

    await eventually('the page to show 3 delayed messages', async () =>
      (await queueCell('OrdersQueue', 2)) === '3' ? true : undefined,
    );
    expect(await queueCell('OrdersQueue', 3)).toMatch(/^\d+ s$/);
    await eventually(
      'the page to show 5 more PROCESSED orders',
      async () => ((await countIn('orders-table', 'PROCESSED')) >= processedBefore + 5 ? true : undefined),
      60_000,
    );
    expect(await queueCell('OrdersQueue', 2)).toBe('0');
  });

  let orderId = '';
  let probeMessageId = '';
  let consumerFooledAt = 0;

  it('shows the dead letters of a poison message and of a closed store, masked', async () => {
    const queueUrl = queueOf(e2e.stack.info, 'OrdersQueue').url;
    // A poison message: no store_id attribute (a misbehaving producer), personal data in its body.
    const poison = anOrder({ storeId: 4 });
    await e2e.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(poison),
        MessageAttributes: { ...POISON_ATTRIBUTES },
      }),
    );
    // Store 9 is closed: an order for it straight to SQS is refused by the consumer, which then
    // holds store 9 for closed for STORE_CACHE_TTL_SECONDS. The store is opened; ingest (which has
    // not asked before) accepts an order for it, which the consumer still refuses: both end as
    // dead letters, redrivable once the consumer has forgotten its answer.
    const { MessageId } = await e2e.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(anOrder({ storeId: CLOSED_STORE })),
        MessageAttributes: buildOrderAttributes({
          storeId: CLOSED_STORE,
          correlationId: 'browser',
          producer: 'browser',
        }),
      }),
    );
    probeMessageId = MessageId ?? '';
    await eventually('the consumer to refuse the closed store', async () =>
      (await e2e.segments()).some(
        (segment) => segment.name === 'order-consumer' && segment.annotations?.messageId === probeMessageId,
      )
        ? true
        : undefined,
    );
    consumerFooledAt = Date.now();
    await storesTable(e2e.db, e2e.stack.info.tables.StoresTable ?? '').setStatus(
      CLOSED_STORE,
      STORE_STATUS.open,
      new Date(),
    );
    const posted = await e2e.post('/orders', orderRequest(CLOSED_STORE), {
      'x-api-key': e2e.keyOf(CLOSED_STORE),
    });
    expect(posted.status).toBe(202);
    orderId = (posted.body as { orderId: string }).orderId;
    await eventually(
      `the dead letters of ${orderId} and the poison message`,
      async () => {
        const orderIds = (await e2e.deadLetters()).map((record) => record.orderId);
        return orderIds.includes(orderId) && orderIds.includes(poison.orderId) ? true : undefined;
      },
      60_000,
    );
    expect(Date.now() - consumerFooledAt).toBeLessThan(STORE_CACHE_TTL_SECONDS * 1000);

    await view('Dead letters');
    await eventually('the page to list both dead letters', async () =>
      (await page.locator('#dead-letters-table tbody tr[data-message-id]').count()) >= 3 ? true : undefined,
    );
    const table = (await page.locator('#dead-letters-table').textContent()) ?? '';
    expect(table).toContain(orderId);
    expect(table).toContain('missing-store-id');
    await page.getByRole('button', { name: `Show dead letter ${probeMessageId}` }).click();
    await page.locator('#dl-detail', { hasText: `messageId: ${probeMessageId}` }).waitFor();
    const shown = (await page.locator('#dl-detail').textContent()) ?? '';
    // anOrder's customer: shown masked, as by pnpm dlq show.
    expect(shown).toMatch(/"email": "\w\*\*\*@/);
    expect(shown).not.toMatch(/"email": "[^*"]+@/);
  });

  it('redrives the selection from the page: a dry run first, then for real once the store is open', async () => {
    const deadLetterOfOrder = (await e2e.deadLetters()).find((record) => record.orderId === orderId);
    const messageId = String(deadLetterOfOrder?.messageId);
    for (const id of [messageId, probeMessageId]) {
      await page.getByRole('checkbox', { name: `Select dead letter ${id}` }).check();
    }
    expect(await page.locator('#dl-selected').textContent()).toBe('2 selected');

    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('#dl-output', { hasText: 'dry run, nothing sent' }).waitFor();
    const dryRun = (await page.locator('#dl-output').textContent()) ?? '';
    expect(dryRun).toContain(`would redrive ${messageId}`);
    expect(dryRun).toContain('would redrive 2, refused 0, failed 0');
    await screenshot('dead-letters');

    // The consumer trusts its "closed" answer until the cache time runs out; then the redrive works.
    const forgetsAt = consumerFooledAt + (STORE_CACHE_TTL_SECONDS + 3) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, forgetsAt - Date.now())));
    await page.getByRole('button', { name: 'Redrive selected' }).click();
    await page.locator('#dl-output', { hasText: 'redriven 2, refused 0, failed 0' }).waitFor();
    await deadLetterRow(messageId).locator('td', { hasText: 'REDRIVEN' }).waitFor();

    // A second redrive of the same dead letter is refused, as `pnpm dlq redrive` refuses it.
    await page.getByRole('checkbox', { name: `Select dead letter ${messageId}` }).check();
    await page.getByRole('button', { name: 'Redrive selected' }).click();
    await page.locator('#dl-output', { hasText: 'redriven 0, refused 1, failed 0' }).waitFor();
    expect(await page.locator('#dl-output').textContent()).toContain(
      `refused   ${messageId}: already redriven`,
    );
  });

  it('shows the order PROCESSED, with its trace from ingest through the dead-letter queue to the redrive', async () => {
    await view('Order');
    await page.getByLabel('Store id').fill(String(CLOSED_STORE));
    await page.getByLabel('Order id').fill(orderId);
    await eventually(
      'the order to be PROCESSED',
      async () => {
        await page.getByRole('button', { name: 'Look up' }).click();
        await page.locator('#order-result .order-status, #order-result .error').first().waitFor();
        return (await page.locator('#order-result .order-status').textContent()) === 'PROCESSED'
          ? true
          : undefined;
      },
      60_000,
    );
    await eventually('the redriven receive in the trace', async () => {
      await page.getByRole('button', { name: 'Look up' }).click();
      await page.locator('.waterfall').first().waitFor();
      const text = (await page.locator('.waterfall').first().textContent()) ?? '';
      return text.includes('outcome=processed') ? text : undefined;
    });
    const waterfall = (await page.locator('.waterfall').first().textContent()) ?? '';
    for (const step of [
      'ingest-api',
      'SQS.SendMessage',
      'waiting in the orders queue',
      'outcome=poison',
      'waiting in the dead-letter queue',
      'dlq-handler',
      'DynamoDB',
      'archived until redriven',
      'outcome=processed',
    ]) {
      expect(waterfall).toContain(step);
    }
    await screenshot('order');
  });

  it('shows the end state on the Pipeline view, orders and dead letters counted, with no error in the page', async () => {
    await sendDelayed([1, 2]);
    await view('Pipeline');
    await eventually('the dead letters by class, and the delayed orders', async () =>
      (await countIn('classes-table', 'missing-store-id')) === 1 &&
      (await queueCell('OrdersQueue', 2)) === '2'
        ? true
        : undefined,
    );
    expect(await countIn('orders-table', 'PROCESSED')).toBeGreaterThanOrEqual(7);
    await screenshot('pipeline');
    expect(problems).toEqual([]);
  });
});
