// The console page's script: three views over the console API (consoleServer.ts). Everything shown
// is set as text (never as HTML), so a dead letter's content cannot inject markup.

type View = 'pipeline' | 'dead-letters' | 'order' | 'token';

import type { CommandRun, DeadLetterSummary, OrderView, PipelineView, TraceWaterfall } from './views';

const POLL_MS = 2000;
const TOKEN_KEY = 'order-pipeline-console-token';

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { text?: string; className?: string; attrs?: Record<string, string> } = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  if (options.text !== undefined) element.textContent = options.text;
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
};

const cell = (text: string | number, numeric = false) =>
  el('td', { text: String(text), ...(numeric ? { className: 'num' } : {}) });

const fillBody = (table: string, rows: HTMLTableRowElement[], empty: string, columns: number) => {
  const body = byId<HTMLTableElement>(table).tBodies[0];
  if (!body) return;
  body.replaceChildren(
    ...(rows.length > 0
      ? rows
      : [el('tr', {}, [el('td', { text: empty, className: 'meta', attrs: { colspan: String(columns) } })])]),
  );
};

const say = (text: string, isError = false) => {
  const status = byId('connection');
  status.textContent = text;
  status.classList.toggle('error', isError);
};

// --- the token: from the address pnpm start printed (#token=...), kept for this tab only --------

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';

const takeTokenFromAddress = () => {
  const match = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match?.[1]) return;
  token = match[1];
  sessionStorage.setItem(TOKEN_KEY, token);
  // Out of the address bar and the history: the token is a password.
  history.replaceState(null, '', `${location.pathname}#pipeline`);
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const response = await fetch(`/api/${path}`, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` },
  });
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (response.status === 401) {
    show('token');
    throw new ApiError(401, body.message ?? 'the console token was refused');
  }
  if (!response.ok && response.status !== 404) {
    throw new ApiError(response.status, body.message ?? `the console answered ${response.status}`);
  }
  return body as T;
};

// --- views ----------------------------------------------------------------------------------------

let current: View = 'pipeline';
let pollTimer: number | undefined;

const show = (view: View, focus = false) => {
  current = view;
  for (const name of ['pipeline', 'dead-letters', 'order', 'token'] as const) {
    byId(`view-${name}`).hidden = name !== view;
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-view]')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  window.clearTimeout(pollTimer);
  say('');
  if (focus) byId(`${view}-heading`).focus();
  if (view === 'token') byId('token-input').focus();
  if (view === 'pipeline') void pollPipeline();
  if (view === 'dead-letters') void loadDeadLetters();
};

const route = (focus: boolean) => {
  const [name, storeId, ...orderId] = location.hash.replace(/^#/, '').split('/');
  if (token === '') return show('token', focus);
  if (name === 'dead-letters') return show('dead-letters', focus);
  if (name === 'order') {
    show('order', focus);
    if (storeId && orderId.length > 0)
      void lookUpOrder(Number(storeId), decodeURIComponent(orderId.join('/')));
    return;
  }
  show('pipeline', focus);
};

// --- Pipeline -------------------------------------------------------------------------------------

const age = (seconds: number | null): string => {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

const counts = (table: string, record: Record<string, number>, empty: string) =>
  fillBody(
    table,
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) =>
        el('tr', {}, [el('th', { text: name, attrs: { scope: 'row' } }), cell(count, true)]),
      ),
    empty,
    2,
  );

const renderPipeline = (view: PipelineView) => {
  byId('pipeline-stack').textContent =
    `Stack ${view.status}, since ${new Date(view.startedAt).toLocaleString()}.`;
  byId('pipeline-updated').textContent = `Updated ${new Date(view.at).toLocaleTimeString()}.`;
  fillBody(
    'queues-table',
    view.queues.map((queue) =>
      el('tr', { attrs: { 'data-queue': queue.id } }, [
        el('th', { text: queue.name, attrs: { scope: 'row' } }),
        cell(queue.visible, true),
        cell(queue.inFlight, true),
        cell(queue.delayed, true),
        cell(age(queue.oldestAgeSeconds), true),
      ]),
    ),
    'no queues',
    5,
  );
  counts('orders-table', view.orders.byStatus, 'no orders yet');
  counts('classes-table', view.deadLetters.byClass, 'no dead letters');
  fillBody(
    'services-table',
    Object.entries(view.services).map(([name, service]) =>
      el('tr', { attrs: { 'data-service': name } }, [
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', {}, [
          el('span', {
            text: service.pid !== null && !service.alive ? `${service.state} (process gone)` : service.state,
            className: `state state-${service.state}`,
          }),
        ]),
        cell(service.pid ?? '—', true),
        cell(service.restarts, true),
        cell(service.lastExit ?? '—'),
      ]),
    ),
    'no services',
    5,
  );
};

const pollPipeline = async () => {
  window.clearTimeout(pollTimer);
  if (current !== 'pipeline') return;
  const started = performance.now();
  try {
    if (document.visibilityState === 'visible') {
      renderPipeline(await api<PipelineView>('pipeline'));
      say('Live: refreshed every 2 s.');
    }
  } catch (error) {
    say(`Could not read the pipeline: ${(error as Error).message}`, true);
  }
  // Counting the orders scans the table in the stack's own process: with a large table the page
  // asks less often, so that watching the pipeline never takes much of the data plane's time.
  const took = performance.now() - started;
  if (current === 'pipeline')
    pollTimer = window.setTimeout(() => void pollPipeline(), Math.max(POLL_MS, took * 5));
};

// --- Dead letters ---------------------------------------------------------------------------------

const selected = new Set<string>();

const updateSelection = () => {
  const count = selected.size;
  byId('dl-selected').textContent = count === 0 ? 'none selected' : `${count} selected`;
  byId<HTMLButtonElement>('dl-dry-run').disabled = count === 0;
  byId<HTMLButtonElement>('dl-redrive').disabled = count === 0;
};

const renderDeadLetters = (letters: DeadLetterSummary[]) => {
  for (const id of [...selected]) if (!letters.some((letter) => letter.messageId === id)) selected.delete(id);
  byId('dl-empty').hidden = letters.length > 0;
  fillBody(
    'dead-letters-table',
    letters.map((letter) => {
      const box = el('input', {
        attrs: { type: 'checkbox', 'aria-label': `Select dead letter ${letter.messageId}` },
      });
      box.checked = selected.has(letter.messageId);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(letter.messageId);
        else selected.delete(letter.messageId);
        updateSelection();
      });
      const showButton = el('button', {
        text: 'Show',
        attrs: { type: 'button', 'aria-label': `Show dead letter ${letter.messageId}` },
      });
      showButton.addEventListener('click', () => void showDeadLetter(letter.messageId));
      const actions: Node[] = [showButton];
      if (letter.storeId !== undefined && letter.orderId !== undefined && !letter.orderId.includes('*')) {
        actions.push(
          el('a', {
            text: 'Order',
            attrs: {
              href: `#order/${letter.storeId}/${encodeURIComponent(letter.orderId)}`,
              'aria-label': `Order ${letter.orderId} of store ${letter.storeId}`,
            },
          }),
        );
      }
      return el('tr', { attrs: { 'data-message-id': letter.messageId } }, [
        el('td', {}, [box]),
        el('td', { text: letter.messageId, className: 'mono' }),
        el('td', { text: shortTime(letter.archivedAt), className: 'nowrap' }),
        el('td', { text: letter.classification, className: 'nowrap' }),
        cell(letter.status),
        cell(letter.storeId ?? '—', true),
        el('td', { text: letter.orderId ?? '—', className: 'mono' }),
        cell(letter.receiveCount, true),
        cell(letter.redriveCount, true),
        el('td', { className: 'actions' }, actions),
      ]);
    }),
    'no dead letters',
    10,
  );
  updateSelection();
};

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-11-26 00:20:34`, local time: short enough for a table column. */
const shortTime = (iso: string): string => {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
};

const loadDeadLetters = async () => {
  try {
    renderDeadLetters(await api<DeadLetterSummary[]>('dead-letters'));
    say(`Dead letters read at ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    say(`Could not read the dead letters: ${(error as Error).message}`, true);
  }
};

const runText = (run: CommandRun) =>
  [`$ ${run.command}`, ...run.lines.map((line) => line.text), `(exit code ${run.exitCode})`].join('\n');

const showDeadLetter = async (messageId: string) => {
  const detail = byId('dl-detail');
  try {
    const run = await api<CommandRun>(`dead-letters/${encodeURIComponent(messageId)}`);
    detail.textContent = runText(run);
    detail.focus();
  } catch (error) {
    detail.textContent = (error as Error).message;
  }
};

const redrive = async (dryRun: boolean) => {
  const output = byId('dl-output');
  const messageIds = [...selected];
  if (messageIds.length === 0) return;
  output.textContent = dryRun ? 'Dry run ...' : 'Redriving ...';
  try {
    const run = await api<CommandRun>('redrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageIds, dryRun }),
    });
    output.textContent = runText(run);
    if (!dryRun) {
      selected.clear();
      await loadDeadLetters();
    }
  } catch (error) {
    output.textContent = (error as Error).message;
  }
};

// --- Order ----------------------------------------------------------------------------------------

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

const ANNOTATIONS_SHOWN = ['outcome', 'classification', 'receiveCount'];

const renderTrace = (trace: TraceWaterfall): HTMLElement => {
  const total = Math.max(trace.totalMs, 1);
  const rows = trace.rows.map((row) => {
    const left = (row.offsetMs / total) * 100;
    const width = Math.max(((row.durationMs ?? total - row.offsetMs) / total) * 100, 0.4);
    const notes = ANNOTATIONS_SHOWN.filter((key) => row.annotations[key] !== undefined).map(
      (key) => `${key}=${String(row.annotations[key])}`,
    );
    const bar = el('span', {
      className: `bar stage-${row.stage.replace(/\s+/g, '-').toLowerCase()}${row.error ? ' error' : ''}`,
      attrs: { 'aria-hidden': 'true' },
    });
    // Inline styles are refused by the page's CSP; the CSSOM is not.
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
    const label = el('span', { className: 'row-label' }, [
      el('span', { text: row.stage, className: 'stage-name' }),
      ` ${row.service === row.label ? row.label : `${row.service} › ${row.label}`}`,
    ]);
    label.style.paddingLeft = `${row.depth * 1.1}em`;
    return el('li', { className: row.error ? 'error' : '' }, [
      label,
      el('span', { className: 'track' }, [bar]),
      el('span', {
        className: 'timing',
        text: `+${ms(row.offsetMs)} · ${row.durationMs === undefined ? 'in progress' : ms(row.durationMs)}${row.error ? ' · ERROR' : ''}${notes.length > 0 ? ` · ${notes.join(' ')}` : ''}`,
      }),
    ]);
  });
  return el('section', { className: 'panel trace', attrs: { 'aria-label': `Trace ${trace.traceId}` } }, [
    el('h3', { text: `Trace ${trace.traceId}` }),
    el('p', {
      className: 'meta',
      text: `Started ${new Date(trace.startedAt).toLocaleString()}, ${ms(trace.totalMs)} in all, ${trace.rows.length} segments.`,
    }),
    el('ol', { className: 'waterfall' }, rows),
  ]);
};

const lookUpOrder = async (storeId: number, orderId: string) => {
  byId<HTMLInputElement>('order-store').value = String(storeId);
  byId<HTMLInputElement>('order-id').value = orderId;
  const result = byId('order-result');
  result.replaceChildren(el('p', { text: 'Looking up ...', className: 'meta' }));
  try {
    const view = await api<OrderView & { message?: string }>(
      `orders/${storeId}/${encodeURIComponent(orderId)}`,
    );
    if (view.order === undefined && (view.traces ?? []).length === 0) {
      result.replaceChildren(
        el('p', { text: view.message ?? `Store ${storeId} has no order ${orderId}.`, className: 'error' }),
      );
      return;
    }
    const status = view.order?.status ?? 'not in the orders table';
    const { order: _order, ...fields } = view.order ?? {};
    result.replaceChildren(
      el('section', { className: 'panel', attrs: { 'aria-labelledby': 'order-status-heading' } }, [
        el('h2', {
          text: `Order ${view.orderId} of store ${view.storeId}`,
          attrs: { id: 'order-status-heading' },
        }),
        el('p', {}, [
          'Status ',
          el('strong', { text: status, className: 'order-status', attrs: { 'data-status': status } }),
        ]),
        el('details', {}, [
          el('summary', { text: 'Stored item (personal data masked)' }),
          el('pre', {
            text: JSON.stringify(
              view.order === undefined ? {} : { ...fields, order: view.order.order },
              null,
              2,
            ),
          }),
        ]),
      ]),
      ...(view.traces.length === 0
        ? [el('p', { text: 'No trace recorded for this order yet.', className: 'meta' })]
        : view.traces.map(renderTrace)),
    );
  } catch (error) {
    result.replaceChildren(el('p', { text: (error as Error).message, className: 'error' }));
  }
};

// --- wiring ---------------------------------------------------------------------------------------

const start = () => {
  takeTokenFromAddress();
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    token = byId<HTMLInputElement>('token-input').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    location.hash = '#pipeline';
    route(true);
  });
  byId('order-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const storeId = Number(byId<HTMLInputElement>('order-store').value);
    const orderId = byId<HTMLInputElement>('order-id').value.trim();
    history.replaceState(null, '', `#order/${storeId}/${encodeURIComponent(orderId)}`);
    void lookUpOrder(storeId, orderId);
  });
  byId('dl-refresh').addEventListener('click', () => void loadDeadLetters());
  byId('dl-dry-run').addEventListener('click', () => void redrive(true));
  byId('dl-redrive').addEventListener('click', () => void redrive(false));
  byId<HTMLInputElement>('dl-select-all').addEventListener('change', (event) => {
    const all = (event.target as HTMLInputElement).checked;
    for (const row of document.querySelectorAll<HTMLTableRowElement>(
      '#dead-letters-table tbody tr[data-message-id]',
    )) {
      const box = row.querySelector<HTMLInputElement>('input[type=checkbox]');
      const status = row.cells[4]?.textContent;
      if (!box) continue;
      // "Select all" takes the ARCHIVED ones: a REDRIVEN one would only be refused.
      box.checked = all && status === 'ARCHIVED';
      box.dispatchEvent(new Event('change'));
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && current === 'pipeline') void pollPipeline();
  });
  window.addEventListener('hashchange', () => route(true));
  route(false);
};

start();
