import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, truncateList, type Limit } from '../core/render/truncate.ts';

/** A documented maximum number of items (blocks, fields, elements). */
export interface CountLimit {
  max: number;
  unit: 'items';
  doc: string;
}

const DOCS = 'https://docs.slack.dev/reference';

/** Every documented Slack limit this message shape touches. */
export const LIMITS = {
  /** "You can include up to 50 blocks in each message". */
  blocks: { max: 50, unit: 'items', doc: `${DOCS}/block-kit/blocks` },
  sectionText: { max: 3000, unit: 'chars', doc: `${DOCS}/block-kit/blocks/section-block` },
  sectionFields: { max: 10, unit: 'items', doc: `${DOCS}/block-kit/blocks/section-block` },
  fieldText: { max: 2000, unit: 'chars', doc: `${DOCS}/block-kit/blocks/section-block` },
  headerText: { max: 150, unit: 'chars', doc: `${DOCS}/block-kit/blocks/header-block` },
  contextElements: { max: 10, unit: 'items', doc: `${DOCS}/block-kit/blocks/context-block` },
  /** Any text object (context elements here). */
  textObject: { max: 3000, unit: 'chars', doc: `${DOCS}/block-kit/composition-objects/text-object` },
  actionsElements: { max: 25, unit: 'items', doc: `${DOCS}/block-kit/blocks/actions-block` },
  buttonText: { max: 75, unit: 'chars', doc: `${DOCS}/block-kit/block-elements/button-element` },
  buttonUrl: { max: 3000, unit: 'chars', doc: `${DOCS}/block-kit/block-elements/button-element` },
  /** Slack truncates `text` beyond 40,000 characters and recommends at most 4,000. */
  text: { max: 40_000, unit: 'chars', doc: `${DOCS}/methods/chat.postMessage` },
  textRecommended: { max: 4000, unit: 'chars', doc: `${DOCS}/methods/chat.postMessage` },
} as const satisfies Record<string, Limit | CountLimit>;

/**
 * Our own budgets (not vendor limits): keep one alert readable and the fallback text short. `blocksText` bounds the
 * text of all blocks together: chat.postMessage refuses more (`msg_blocks_too_long`, not retryable) at ~12,000-13,000
 * characters, a limit Slack does not document (slackapi/bolt-js#2509, #2867; the markdown block's documented 12,000).
 */
const BUDGET = { alertTitle: 300, hint: 1000, fieldName: 200, fallback: 500, blocksText: 11_000 };

type Text = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji: true };
export type SlackBlock =
  | { type: 'header'; text: Text }
  | { type: 'section'; text: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: Array<{ type: 'button'; text: Text; url: string; action_id: string }> };

/**
 * Slack's control characters. Escaping them also stops alert text from smuggling `<!channel>` pings or
 * disguised `<url|label>` links into the message.
 */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const md = (text: string, limit: Limit = LIMITS.textObject): Text => ({ type: 'mrkdwn', text: truncate(text, limit) });
const plain = (text: string, limit: Limit): Text => ({ type: 'plain_text', text: truncate(text, limit), emoji: true });

/** critical pages, warning is chat-level, info is record-only; resolves are green, wiring tests say so. */
export function slackEmoji(n: Pick<Notification, 'kind' | 'status' | 'severity'>): string {
  if (n.kind === 'test') return ':test_tube:';
  if (n.status === 'resolved') return ':large_green_circle:';
  return { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':information_source:' }[n.severity];
}

/** The headline used by the header block and the notification fallback `text`. */
export function slackHeadline(n: Notification): string {
  const prefix = n.kind === 'test' ? '[TEST] ' : n.status === 'resolved' && !/resolved/i.test(n.title) ? 'Resolved: ' : '';
  return `${slackEmoji(n)} ${prefix}${n.title}`;
}

function alertBlocks(a: AlertItem, index: number): SlackBlock[] {
  const resolved = a.status === 'resolved';
  const state = resolved ? `:large_green_circle: *Resolved*${a.endsAt ? ` at ${a.endsAt}` : ''}` : `${slackEmoji({ kind: 'trigger', ...a })} *${a.severity.toUpperCase()}*`;
  const text = `${state} · *${escapeMrkdwn(truncate(a.title, BUDGET.alertTitle))}*\nPod \`${escapeMrkdwn(a.pod)}\` · Rule \`${escapeMrkdwn(a.rule)}\`\n${escapeMrkdwn(a.summary)}`;
  const evidence = truncateList(a.evidence, LIMITS.sectionFields.max, (hidden) => ({ name: '…', value: `and ${hidden} more` }));
  const fields = evidence.map((e) => md(`*${escapeMrkdwn(truncate(e.name, BUDGET.fieldName))}*\n${escapeMrkdwn(e.value)}`, LIMITS.fieldText));
  const blocks: SlackBlock[] = index > 0 ? [{ type: 'divider' }] : [];
  blocks.push({ type: 'section', text: md(text, LIMITS.sectionText), ...(fields.length ? { fields } : {}) });
  if (a.sparkline?.text) blocks.push({ type: 'context', elements: [md(`\`${a.sparkline.text}\` ${escapeMrkdwn(a.sparkline.caption)}`)] });
  const hint = !resolved && a.hint ? `*Next step:* ${escapeMrkdwn(truncate(a.hint, BUDGET.hint))}` : '';
  // The code fence must survive truncation, so the PromQL gets what is left of the section's budget.
  const room = LIMITS.sectionText.max - Array.from(hint).length - 8;
  const promql = !resolved && a.promql ? `${hint ? '\n' : ''}\`\`\`${truncate(escapeMrkdwn(a.promql), room)}\`\`\`` : '';
  if (hint || promql) blocks.push({ type: 'section', text: md(hint + promql, LIMITS.sectionText) });
  // A link is dropped rather than cut: a truncated URL is a broken link.
  const links = a.links.filter((l) => /^https?:\/\//.test(l.url) && l.url.length <= LIMITS.buttonUrl.max);
  const buttons = links.slice(0, LIMITS.actionsElements.max).map((l, i) => ({
    type: 'button' as const,
    text: plain(l.title, LIMITS.buttonText),
    url: l.url,
    action_id: `link-${index}-${i}`,
  }));
  // URL buttons also send an interaction payload to the app, if it has one; the browser opens the link either way.
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

/**
 * The Block Kit message: header, then per alert a section (pod, rule, summary, evidence fields), the
 * sparkline, the next step with the PromQL, link buttons; a context footer with severity, source and target.
 * Alerts that do not fit in 50 blocks are summarised as "…and N more alerts".
 */
export function buildSlackBlocks(n: Notification): SlackBlock[] {
  const head: SlackBlock[] = [{ type: 'header', text: plain(slackHeadline(n), LIMITS.headerText) }];
  const uniq = (xs: string[]) => [...new Set(xs)].map(escapeMrkdwn).join(', ');
  const footer = truncateList(
    [
      ...(n.kind === 'test' ? ['*This is a test notification from pooler-watch: no action needed.*'] : []),
      `*${n.status === 'resolved' ? 'RESOLVED' : n.severity.toUpperCase()}* · source: ${uniq(n.alerts.map((a) => a.source))} · target: ${uniq(n.alerts.map((a) => a.target))}`,
      `pooler-watch · ${escapeMrkdwn(n.createdAt)}`,
    ],
    LIMITS.contextElements.max,
    (hidden) => `…and ${hidden} more`,
  );
  const foot: SlackBlock[] = [{ type: 'context', elements: footer.map((t) => md(t)) }];
  const room = LIMITS.blocks.max - head.length - foot.length;
  // What the "…and N more" line and the header and footer take of the text budget.
  let textLeft = BUDGET.blocksText - textLength(head) - textLength(foot) - 40;
  const body: SlackBlock[] = [];
  let shown = 0;
  for (const [i, alert] of n.alerts.entries()) {
    // The first alert is always shown, cut to the budget if it must be; later ones only whole.
    const blocks = i === 0 ? fitText(alertBlocks(alert, i), textLeft) : alertBlocks(alert, i);
    const reserve = i < n.alerts.length - 1 ? 1 : 0; // room for the "…and N more" line
    if (body.length + blocks.length + reserve > room || textLength(blocks) > textLeft) break;
    body.push(...blocks);
    textLeft -= textLength(blocks);
    shown++;
  }
  const hidden = n.alerts.length - shown;
  if (hidden > 0) body.push({ type: 'context', elements: [md(`…and ${hidden} more alert${hidden === 1 ? '' : 's'} not shown`)] });
  return [...head, ...body, ...foot];
}

/** The characters of every text in `blocks`, as Slack counts them against the message's total. */
function textLength(blocks: readonly SlackBlock[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === 'header') n += b.text.text.length;
    else if (b.type === 'section') n += b.text.text.length + (b.fields ?? []).reduce((t, f) => t + f.text.length, 0);
    else if (b.type === 'context') n += b.elements.reduce((t, e) => t + e.text.length, 0);
    else if (b.type === 'actions') n += b.elements.reduce((t, e) => t + e.text.text.length, 0);
  }
  return n;
}

/** One alert's blocks within `budget` characters: its evidence fields go first, then its texts are cut. */
function fitText(blocks: SlackBlock[], budget: number): SlackBlock[] {
  if (textLength(blocks) <= budget) return blocks;
  const lean = blocks.map((b) => (b.type === 'section' && b.fields ? { type: 'section' as const, text: b.text } : b));
  let over = textLength(lean) - budget;
  if (over <= 0) return lean;
  return lean.map((b) => {
    if (over <= 0 || b.type !== 'section') return b;
    const keep = Math.max(0, Array.from(b.text.text).length - over - 1);
    over -= Array.from(b.text.text).length - keep;
    return { ...b, text: md(b.text.text, { max: keep, unit: 'chars', doc: BUDGET_DOC }) };
  });
}

const BUDGET_DOC = 'https://github.com/slackapi/bolt-js/issues/2509';

/** The notification fallback (`text`): shown in push notifications and where blocks cannot render. */
export function slackFallbackText(n: Notification): string {
  const first = n.alerts[0]?.summary;
  return truncate(escapeMrkdwn(first ? `${slackHeadline(n)}: ${first}` : slackHeadline(n)), BUDGET.fallback);
}
