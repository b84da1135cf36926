import type { AuditEntry } from '../../audit/audit-repo.js';
import { api, loadFailureText } from './api.js';
import { auditRow, auditTable } from './audit-rows.js';
import { announce, byId, fill, h, type Section } from './dom.js';
import { plural } from './format.js';
import { field } from './forms.js';

interface AuditPage {
  data: AuditEntry[];
  nextCursor: string | null;
}

const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_SIZE = 25;

/**
 * The audit-log section: who did what with the user's keys and tokens, and when — the caller's
 * own events from `GET /api/user/audit-log`, newest first, a page at a time ("Load more" follows
 * `nextCursor`). A token without `audit:read` gets a notice saying so, as the other sections do.
 */
export function auditSection(): Section {
  const area = byId('audit-area');
  const size = h(
    'select',
    { name: 'limit' },
    ...PAGE_SIZES.map((n) => h('option', { value: n, selected: n === DEFAULT_SIZE }, `${n} at a time`)),
  );
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'audit-refresh' }, 'Refresh');
  const controls = h('div', { class: 'controls' }, field('Events per page', size), refresh);
  const out = h('div', { class: 'audit-out', 'aria-busy': 'false' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'audit-more' }, 'Load more');
  const footer = h('div', { class: 'actions' });
  let body: HTMLTableSectionElement | null = null;
  let next: string | null = null;
  let shown = 0;
  let loading = false;
  /** Bumped by every reload and by sign-out: an answer to an older request is dropped. */
  let generation = 0;

  const page = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: size.value });
    if (cursor) query.set('cursor', cursor);
    return api<AuditPage>('GET', `/api/user/audit-log?${query}`);
  };

  /** Adds a page's rows; the footer offers the next page, or says the log ends here. Returns the first new row. */
  function append(rows: AuditEntry[], cursor: string | null): HTMLTableRowElement | undefined {
    const added = rows.map(auditRow);
    body?.append(...added);
    shown += rows.length;
    next = cursor;
    fill(
      footer,
      next
        ? more
        : h('p', { class: 'hint', id: 'audit-end' }, `That is the whole log: ${plural(shown, 'event')}.`),
    );
    return added[0];
  }

  async function load(): Promise<void> {
    if (!area.contains(controls)) fill(area, controls, out);
    const mine = ++generation;
    loading = true;
    out.setAttribute('aria-busy', 'true');
    try {
      const { data, nextCursor } = await page(null);
      if (mine !== generation) return;
      shown = 0;
      if (data.length === 0) {
        body = null;
        next = null;
        fill(
          out,
          h(
            'p',
            { class: 'empty' },
            'Nothing here yet: adding, changing, verifying or deleting a key, and creating or revoking a token, each leave a row in this log.',
          ),
        );
        return;
      }
      const table = auditTable();
      body = table.body;
      fill(out, table.table, footer);
      append(data, nextCursor);
    } catch (err) {
      if (mine !== generation) return;
      body = null;
      next = null;
      fill(out, h('p', { class: 'notice' }, loadFailureText(err, 'audit:read', 'read the audit log')));
    } finally {
      if (mine === generation) {
        loading = false;
        out.setAttribute('aria-busy', 'false');
      }
    }
  }

  // Not disabled while loading (a disabled button drops keyboard focus): a second click is ignored instead.
  more.addEventListener('click', async () => {
    if (loading || !next || !body) return;
    const mine = generation;
    loading = true;
    more.setAttribute('aria-disabled', 'true');
    out.setAttribute('aria-busy', 'true');
    try {
      const { data, nextCursor } = await page(next);
      if (mine !== generation) return;
      const first = append(data, nextCursor);
      // Focus on the first new row: reading goes on from there, and Tab reaches "Load more" again.
      first?.setAttribute('tabindex', '-1');
      first?.focus();
      announce(`${plural(data.length, 'more event')} loaded; ${plural(shown, 'event')} shown.`);
    } catch (err) {
      if (mine === generation) announce(loadFailureText(err, 'audit:read', 'read the audit log'), 'error');
    } finally {
      more.removeAttribute('aria-disabled');
      if (mine === generation) {
        loading = false;
        out.setAttribute('aria-busy', 'false');
      }
    }
  });
  size.addEventListener('change', () => void load());
  refresh.addEventListener('click', async () => {
    await load();
    // A failure is on the page already, in the notice that replaced the table.
    if (!out.querySelector('.notice'))
      announce(`Audit log refreshed: ${body ? plural(shown, 'event') : 'no events'} shown.`);
  });

  const clear = () => {
    generation += 1;
    loading = false;
    body = null;
    next = null;
    shown = 0;
    fill(out);
  };
  return { load, clear };
}
